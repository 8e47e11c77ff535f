// The portal's look, configured once (PORTAL_NAME, PORTAL_LOGO_URL, PORTAL_ACCENT_COLOR in
// infra/config.ts). The accent reaches the pages as a stylesheet (GET /portal/assets/theme.css),
// never as an inline style, so the Content-Security-Policy stays strict.

export interface PortalBranding {
  name: string;
  logoUrl: string | null;
  /** #rrggbb; buttons are white text on it. */
  accentColor: string;
}

/** White on it: 6.7:1, above WCAG AA's 4.5:1 for normal text. */
export const DEFAULT_ACCENT_COLOR = '#1d4ed8';

export const DEFAULT_BRANDING: PortalBranding = { name: 'Billing', logoUrl: null, accentColor: DEFAULT_ACCENT_COLOR };

/** WCAG 2's minimum for normal text. */
export const MIN_CONTRAST = 4.5;

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2 contrast ratio of white text on a #rrggbb background. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

export function themeCss(branding: PortalBranding): string {
  return `:root { --accent: ${branding.accentColor}; }\n`;
}

/** The logo's origin when it is on another host: the only image source the policy adds. */
export function logoOrigin(branding: PortalBranding): string | null {
  if (!branding.logoUrl || branding.logoUrl.startsWith('/')) return null;
  return new URL(branding.logoUrl).origin;
}
