// Sign-in to the customer portal by email link, against the real stack: the link is emailed
// through the outbox (read here from the SMTP catcher), its page changes nothing, its button signs
// in once, within 15 minutes of the API's clock (the test server's).
import type { Express } from 'express';
import { memorySignInThrottles } from '../../api/throttles';
import { hashToken } from '../../portal/sessions';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness, TEST_LINKS, testApp } from '../support/harness';
import { driver, newCustomer } from '../support/lifecycle';
import { Browser, formFields, linkIn, signIn, signInEmails, textOf } from '../support/portal';

let h: Harness;
let app: Express;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  const d = driver(h, testApp(h));
  for (const name of ['signin_ada', 'signin_bob', 'signin_cy', 'signin_dee', 'signin_eve', 'signin_fay']) {
    await d.create({ id: name, customer: newCustomer(name), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  }
});
afterAll(async () => {
  await h?.teardown();
});

const MINUTE = 60_000;

async function askForLink(browser: Browser, email: string) {
  return browser.submit('/portal/sign-in', '/portal/sign-in', { email });
}

describe('asking for a link', () => {
  test('emails a link whose page shows a Sign in button and does not use it up', async () => {
    const browser = new Browser(app);
    const asked = await askForLink(browser, 'signin_ada@example.com');
    expect(asked.status).toBe(200);
    expect(textOf(asked.text)).toContain('If signin_ada@example.com belongs to a customer account, a sign-in link is on its way to it.');

    const [mail] = await signInEmails(h, 'signin_ada@example.com');
    expect(mail!.subject).toBe('Sign in to Billing');
    const link = linkIn(mail!);
    expect(mail!.text).toContain(`${TEST_LINKS.publicUrl}/portal/sign-in/link?token=psi_`);
    expect(mail!.html).toContain(`<a href="${TEST_LINKS.publicUrl}/portal/sign-in/link?token=psi_`);

    // A mail scanner, then the customer: both see the page, neither uses the link.
    for (const visitor of [new Browser(app), browser]) {
      const page = await visitor.get(link);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<button type="submit">Sign in<\/button>/);
    }
    const [row] = await h.db.prisma.portalSignInToken.findMany({ where: { customer: { email: 'signin_ada@example.com' } } });
    expect(row).toMatchObject({ usedAt: null });
    // Neither the token row nor the outbox keeps a usable token.
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    expect(row!.tokenHash).toBe(hashToken(token));
    const outbox = await h.db.prisma.emailMessage.findFirstOrThrow({ where: { template: 'portal_sign_in', to: 'signin_ada@example.com' } });
    expect(JSON.stringify(outbox)).not.toContain(token);
    expect(outbox).toMatchObject({ subscriptionId: null, customerId: row!.customerId, status: 'sent' });
  });

  test('an unknown address gets the same page, and no email is recorded or sent', async () => {
    const known = await askForLink(new Browser(app), 'signin_bob@example.com');
    const unknown = await askForLink(new Browser(app), 'nobody@example.com');
    expect(unknown.status).toBe(known.status);
    const page = (res: { text: string }, email: string) => res.text.replaceAll(email, '<email>').replace(/value="[^"]+"/g, '');
    expect(page(unknown, 'nobody@example.com')).toBe(page(known, 'signin_bob@example.com'));

    await signInEmails(h, 'signin_bob@example.com');
    expect(await h.db.prisma.emailMessage.count({ where: { to: 'nobody@example.com' } })).toBe(0);
    expect(h.smtp.received.filter((mail) => mail.to === 'nobody@example.com')).toEqual([]);
  });

  test('an address typed in capitals finds its customer, whose address gets the email', async () => {
    await askForLink(new Browser(app), ' Signin_Fay@Example.COM ');
    expect((await signInEmails(h, 'signin_fay@example.com')).map((mail) => mail.to)).toEqual(['signin_fay@example.com']);
  });

  test('an address that is not one is shown the problem, next to its field', async () => {
    const res = await askForLink(new Browser(app), 'not-an-address');
    expect(res.status).toBe(400);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('<p class="error-message" id="email-error">Enter an email address, like name@example.com</p>');
    expect(res.text).toContain('value="not-an-address"');
  });

  test('is limited per email address and per client address', async () => {
    const limited = rawTestApp(h, { portal: { signIn: memorySignInThrottles({ perEmailPerHour: 2, perAddressPerHour: 4 }) } });
    const browser = new Browser(limited);
    const statuses = [];
    for (const email of ['limit@example.com', 'limit@example.com', 'LIMIT@example.com', 'other@example.com', 'third@example.com']) {
      statuses.push((await askForLink(browser, email)).status);
    }
    expect(statuses).toEqual([200, 200, 429, 200, 429]);
    const refused = await askForLink(browser, 'fourth@example.com');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(textOf(refused.text)).toContain('Too many attempts');
  });

  test('without a valid CSRF token is refused (403), and nothing is sent', async () => {
    const browser = new Browser(app);
    await browser.get('/portal/sign-in');
    expect((await browser.post('/portal/sign-in', { email: 'signin_cy@example.com' })).status).toBe(403);
    expect((await browser.post('/portal/sign-in', { email: 'signin_cy@example.com', _csrf: 'forged' })).status).toBe(403);
    // A token from another browser's page is bound to that browser's visitor cookie.
    const other = formFields((await new Browser(app).get('/portal/sign-in')).text, '/portal/sign-in');
    expect((await browser.post('/portal/sign-in', { email: 'signin_cy@example.com', ...other })).status).toBe(403);
    expect(await h.db.prisma.portalSignInToken.count({ where: { customer: { email: 'signin_cy@example.com' } } })).toBe(0);
  });
});

describe('using a link', () => {
  test('its button signs in with an httpOnly, Secure, SameSite=Lax session cookie, once', async () => {
    const browser = new Browser(app);
    await askForLink(browser, 'signin_dee@example.com');
    const link = linkIn((await signInEmails(h, 'signin_dee@example.com'))[0]!);
    const elsewhere = new Browser(app);
    const pressedLater = formFields((await elsewhere.get(link)).text, '/portal/sign-in/link');
    const signedIn = await browser.submit(link, '/portal/sign-in/link');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/portal');
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('__Host-portal_session='))!;
    expect(cookie).toMatch(/; Path=\/;/);
    expect(cookie.split('; ').slice(1).sort()).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax']));
    // Only the cookie's hash is stored.
    const value = browser.cookies.get('__Host-portal_session')!;
    const session = await h.db.prisma.portalSession.findUniqueOrThrow({ where: { tokenHash: hashToken(value) } });
    expect(JSON.stringify(session)).not.toContain(value);

    const overview = await browser.get('/portal');
    expect(overview.status).toBe(200);
    expect(textOf(overview.text)).toContain('Signed in as signin_dee@example.com');

    // The same link again, pressed on a page loaded before, or loaded anew: refused.
    const replay = await elsewhere.post('/portal/sign-in/link', pressedLater);
    expect(replay.status).toBe(403);
    expect(elsewhere.cookies.has('__Host-portal_session')).toBe(false);
    const again = await new Browser(app).get(link);
    expect(again.status).toBe(403);
    expect(textOf(again.text)).toContain('This link cannot be used');
  });

  test('a link 16 minutes old is refused, by the API clock', async () => {
    const browser = new Browser(app);
    await askForLink(browser, 'signin_eve@example.com');
    const link = linkIn((await signInEmails(h, 'signin_eve@example.com'))[0]!);
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    await h.env.sleep(16 * MINUTE);
    expect((await browser.post('/portal/sign-in/link', formFields(page.text, '/portal/sign-in/link'))).status).toBe(403);
    expect((await browser.get(link)).status).toBe(403);
    expect(browser.cookies.has('__Host-portal_session')).toBe(false);
  });

  test('a forged or damaged token is refused', async () => {
    const browser = new Browser(app);
    expect((await browser.get('/portal/sign-in/link?token=psi_0123.forged')).status).toBe(403);
    expect((await browser.get('/portal/sign-in/link')).status).toBe(403);
  });

  test('a CSRF-less press of the button is refused, and the link still works afterwards', async () => {
    const browser = new Browser(app);
    await askForLink(browser, 'signin_ada@example.com');
    const link = linkIn((await signInEmails(h, 'signin_ada@example.com', 2))[1]!);
    const fields = formFields((await browser.get(link)).text, '/portal/sign-in/link');
    expect((await browser.post('/portal/sign-in/link', { ...fields, _csrf: 'wrong' })).status).toBe(403);
    expect((await browser.post('/portal/sign-in/link', fields)).status).toBe(303);
  });
});

describe('sessions', () => {
  test('over plain http on localhost the cookie is not Secure and has no __Host- prefix', async () => {
    const local = rawTestApp(h, { links: { ...TEST_LINKS, publicUrl: 'http://localhost:3000' } });
    const browser = new Browser(local);
    await signIn(h, browser, 'signin_bob@example.com');
    expect([...browser.cookies.keys()].sort()).toEqual(['portal_session', 'portal_visitor']);
    expect((await browser.get('/portal')).status).toBe(200);
  });

  test('a page behind sign-in sends there first and back after it', async () => {
    const browser = new Browser(app);
    const away = await browser.get('/portal/invoices');
    expect(away.status).toBe(303);
    expect(away.headers.location).toBe('/portal/sign-in?next=%2Fportal%2Finvoices');
    await browser.submit(away.headers.location!, '/portal/sign-in', { email: 'signin_cy@example.com' });
    const link = linkIn((await signInEmails(h, 'signin_cy@example.com'))[0]!);
    expect(link).toContain('next=%2Fportal%2Finvoices');
    const signedIn = await browser.submit(link, '/portal/sign-in/link');
    expect(signedIn.headers.location).toBe('/portal/invoices');
  });

  test('a page never sends anywhere but the portal after sign-in', async () => {
    const page = await new Browser(app).get('/portal/sign-in?next=https://evil.example/portal');
    expect(page.text).not.toContain('evil.example');
  });

  test('signing out ends the session on the server; without a CSRF token it is refused', async () => {
    const browser = new Browser(app);
    await signIn(h, browser, 'signin_dee@example.com');
    const value = browser.cookies.get('__Host-portal_session')!;
    expect((await browser.post('/portal/sign-out', {})).status).toBe(403);
    expect(await h.db.prisma.portalSession.count({ where: { tokenHash: hashToken(value) } })).toBe(1);

    const out = await browser.submit('/portal', '/portal/sign-out');
    expect(out.status).toBe(303);
    expect(textOf((await browser.get(out.headers.location!)).text)).toContain('You are signed out.');
    expect(await h.db.prisma.portalSession.count({ where: { tokenHash: hashToken(value) } })).toBe(0);
    expect(browser.cookies.has('__Host-portal_session')).toBe(false);
    const stolen = new Browser(app);
    stolen.cookies.set('__Host-portal_session', value);
    expect((await stolen.get('/portal')).status).toBe(303);
  });

  test('a session ends after 12 hours of the API clock', async () => {
    const browser = new Browser(app);
    await signIn(h, browser, 'signin_eve@example.com');
    expect((await browser.get('/portal')).status).toBe(200);
    await h.env.sleep(12 * 60 * MINUTE + MINUTE);
    expect((await browser.get('/portal')).headers.location).toBe('/portal/sign-in');
  });
});
