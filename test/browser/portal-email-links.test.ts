// The portal in a real browser, reached as customers reach it most: from a link in an email. An
// offer's link opens the offer, whose Accept button changes the plan without any sign-in; a failed
// payment's link leads through sign-in to the subscription's payment-method form, where a new card
// pays the overdue invoice. Every page is screenshotted (test-artifacts/screenshots/portal/) and
// checked by axe-core. Time moves by the test server's clock, never by waiting.
import { expectNoSeriousA11yViolations, screenshot, serve, type Page, type ServedApp, useBrowser } from '../support/browser';
import type { Harness } from '../support/harness';
import { querySubscription, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import { linkIn, signInEmails } from '../support/portal';

const browser = useBrowser();
let h: Harness;
let d: Driver;
let server: ServedApp;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  server = await serve(d.app);
});
afterAll(async () => {
  await server?.close();
  await h?.teardown();
});

async function checked(page: Page, name: string): Promise<void> {
  await screenshot(page, `portal/${name}`);
  await expectNoSeriousA11yViolations(page);
}

/** The one email of `template` that arrived for the subscription. */
async function emailOf(id: string, template: string, count: number) {
  const templates = await d.emails(id, count);
  expect(templates).toContain(template);
  return h.smtp.for(id).find((mail) => mail.template === template)!;
}

test('a customer accepts an offer from the email’s link', async () => {
  await d.create({ id: 'email_offer', customer: newCustomer('email_offer'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  // Three of three seats, two periods running: the seats rule offers Pro at 20% off.
  expect((await d.post('/subscriptions/email_offer/usage', { metric: 'seats', quantity: 3 })).status).toBe(202);
  await d.advanceTo((await d.get('email_offer')).currentPeriod.end);
  await d.until('email_offer', (s) => s.periodIndex === 1 && s.offer !== null, 'an offer');
  const mail = await emailOf('email_offer', 'offer', 4);
  const { page } = browser;

  // Not signed in: the link's own token opens the page.
  await page.goto(`${server.origin}${linkIn(mail)}`);
  await page.getByRole('heading', { name: 'An offer for you' }).waitFor();
  const offer = await page.locator('main').innerText();
  expect(offer).toContain('Pro monthly costs €29.00 per month.');
  expect(offer).toContain('For you, 20% less for your next 3 billing periods.');
  expect(await page.getByRole('button', { name: 'No, thanks' }).isVisible()).toBe(true);
  await checked(page, 'offer-from-email');

  await page.getByRole('button', { name: 'Accept the offer' }).click();
  await page.getByRole('status').getByText(/^You accepted this offer on \d{1,2} \w+ \d{4}\. Your plan is now Pro monthly\.$/).waitFor();
  expect(await page.getByRole('button', { name: 'Accept the offer' }).count()).toBe(0);
  await checked(page, 'offer-accepted');

  const live = await querySubscription(h, 'subscription-email_offer');
  expect(live).toMatchObject({ plan: { code: 'pro-monthly' }, offer: null, discount: { source: 'offer', percentOff: 20 } });
  expect(await h.db.prisma.offer.findFirstOrThrow({ where: { subscriptionId: 'email_offer' } })).toMatchObject({ status: 'accepted' });
});

test('a customer updates a failing card from the email’s link and sees the past-due invoice paid', async () => {
  const created = await d.create({ id: 'email_card', customer: newCustomer('email_card'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  // The card starts failing before the first renewal.
  expect((await d.post('/subscriptions/email_card/payment-method', { paymentMethod: 'pm_card_declined' })).status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  const pastDue = await d.until('email_card', (s) => s.status === 'past_due', 'past due');
  // The workflow knows the invoice by its reference; the customer by its legal number.
  const invoice = await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: pastDue.latestInvoice!.number } });
  expect(invoice.status).toBe('open');
  const mail = await emailOf('email_card', 'payment_failed', 3);
  const link = linkIn(mail);
  expect(link).toBe('/portal/subscriptions/email_card/payment-method');
  const { page } = browser;

  // Signed out: the link leads to sign-in, which remembers where the customer was going.
  await page.goto(`${server.origin}${link}`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(new URL(page.url()).searchParams.get('next')).toBe(link);
  await checked(page, 'card-sign-in');
  await page.getByLabel('Email address').fill('email_card@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const [signInMail] = await signInEmails(h, 'email_card@example.com');
  await page.goto(`${server.origin}${linkIn(signInMail!)}`);
  await checked(page, 'card-sign-in-link');
  // A customer who asked for less motion: the browser jumps to the anchor rather than scrolling
  // smoothly (portal.css), so the window shows where it lands, not a frame of the way there.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back where the email's link pointed: the subscription's page, at its payment-method form.
  await page.getByRole('heading', { name: 'Manage Basic monthly' }).waitFor();
  expect(page.url()).toBe(`${server.origin}/portal/subscriptions/email_card#payment-method`);
  // The browser scrolls there once the page has loaded: the form's heading at the top of the window.
  const heading = await page.getByRole('heading', { name: 'Payment method' }).elementHandle();
  await page.waitForFunction((element) => {
    const view = element!.ownerDocument.defaultView!;
    const top = element!.getBoundingClientRect().top;
    return view.scrollY > 0 && top > -2 && top < view.innerHeight / 4;
  }, heading);
  expect(await page.locator('main').innerText()).toContain('A payment is overdue: a new payment method is charged for it at once.');
  await screenshot(page, 'portal/card-payment-method-window', { window: true });
  await checked(page, 'card-payment-method');

  await page.getByLabel('Sandbox payment token').fill('pm_card_visa');
  await page.getByRole('button', { name: 'Update payment method' }).click();
  await page.getByRole('status').getByText('Payment method updated, and the overdue payment went through.').waitFor();
  await checked(page, 'card-paid');
  expect(await querySubscription(h, 'subscription-email_card')).toMatchObject({ status: 'active', dunning: null, paymentMethod: 'pm_card_visa' });

  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('heading', { name: 'Invoices' }).waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: invoice.number, exact: true }) });
  const [, , amount, status] = await row.getByRole('cell').allInnerTexts();
  expect([amount, status]).toEqual([`€${(invoice.amountCents / 100).toFixed(2)}`, 'Paid']);
  await checked(page, 'card-invoices');
  expect(await h.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ status: 'paid' });
});
