// The portal's branding and sign-in limits, parsed once with the rest of the configuration: the
// seller's name by default, and an accent color white text stays readable on (WCAG AA).
import { loadConfig, portalBranding, signInLimits } from '../../infra/config';
import { contrastWithWhite, DEFAULT_ACCENT_COLOR } from '../../portal/branding';

const base = { DATABASE_URL: 'postgresql://localhost/x' };

test("by default the portal is named after the seller, in an accessible blue, with no logo", () => {
  const config = loadConfig(base);
  expect(portalBranding(config)).toEqual({ name: config.seller.legalName, logoUrl: null, accentColor: DEFAULT_ACCENT_COLOR });
  expect(contrastWithWhite(DEFAULT_ACCENT_COLOR)).toBeGreaterThanOrEqual(4.5);
  expect(signInLimits(config)).toEqual({ perAddressPerHour: 30, perEmailPerHour: 5 });
});

test('name, logo, color and limits come from PORTAL_* variables', () => {
  const config = loadConfig({
    ...base,
    PORTAL_NAME: ' Fjord Abonnement ',
    PORTAL_LOGO_URL: 'https://cdn.example.no/logo.svg',
    PORTAL_ACCENT_COLOR: '#0B5E3B',
    PORTAL_SIGN_IN_PER_EMAIL_PER_HOUR: '3',
    PORTAL_SIGN_IN_PER_ADDRESS_PER_HOUR: '12',
  });
  expect(portalBranding(config)).toEqual({ name: 'Fjord Abonnement', logoUrl: 'https://cdn.example.no/logo.svg', accentColor: '#0B5E3B' });
  expect(signInLimits(config)).toEqual({ perAddressPerHour: 12, perEmailPerHour: 3 });
  expect(portalBranding(loadConfig({ ...base, PORTAL_LOGO_URL: '/static/logo.png' })).logoUrl).toBe('/static/logo.png');
});

test.each([
  ['PORTAL_ACCENT_COLOR', 'blue', /PORTAL_ACCENT_COLOR: must be a #rrggbb color/],
  ['PORTAL_ACCENT_COLOR', '#ffd400', /PORTAL_ACCENT_COLOR: white text on it needs a contrast of at least 4.5:1/],
  ['PORTAL_LOGO_URL', 'javascript:alert(1)', /PORTAL_LOGO_URL: must be an http\(s\) URL or a path starting with \//],
  ['PORTAL_LOGO_URL', '//evil.example/logo.png', /PORTAL_LOGO_URL: must be an http\(s\) URL/],
])('%s=%s is refused at start, naming the variable', (name, value, message) => {
  expect(() => loadConfig({ ...base, [name]: value })).toThrow(message);
});
