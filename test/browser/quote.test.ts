// A quote in a real browser, as its customer meets it: the link in the email opens the quote's
// page (lines, VAT, total, price per period, expiry), the customer gives a payment method and
// accepts, and the page then shows the subscription it became. Every page is screenshotted
// (test-artifacts/screenshots/quote/) and checked by axe-core.
import request from 'supertest';
import { expectNoSeriousA11yViolations, screenshot, serve, type Page, type ServedApp, useBrowser } from '../support/browser';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { linkIn } from '../support/portal';

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
  await screenshot(page, `quote/${name}`);
  await expectNoSeriousA11yViolations(page);
}

test('a customer opens the quote from the email, gives a payment method and accepts it into a subscription with its three items', async () => {
  const expiresAt = new Date((await h.env.currentTimeMs()) + 14 * DAY).toISOString();
  const created = await request(d.app)
    .post('/quotes')
    .send({
      customer: newCustomer('quote_browser'),
      plan: 'pro-monthly',
      addOns: [{ code: 'extra-seat', quantity: 2 }],
      customLines: [{ description: 'Onboarding workshop', unitAmountCents: 15_000, quantity: 1 }],
      coupon: 'WELCOME20',
      expiresAt,
    });
  expect(created.status).toBe(201);
  expect((await request(d.app).post(`/quotes/${created.body.id}/send`)).status).toBe(200);
  const [mail] = await eventually(async () => h.smtp.received.filter((m) => m.template === 'quote'), (mails) => mails.length === 1, 'the quote email');
  const { page } = browser;

  await page.goto(`${server.origin}${linkIn(mail!)}`);
  await page.getByRole('heading', { name: 'Your quote: Pro monthly' }).waitFor();
  const quoted = await page.locator('main').innerText();
  expect(quoted).toContain('Onboarding workshop');
  expect(quoted).toMatch(/Discount: 20% off for 3 months\s+-€\d+\.\d\d/);
  expect(quoted).toMatch(/Total\s+€\d+\.\d\d/);
  expect(quoted).toContain('The discount 20% off for 3 months applies to your first 3 billing periods.');
  await checked(page, 'open');

  await page.getByRole('button', { name: 'Accept the quote' }).click();
  // The field is required: the browser keeps the form until it is filled.
  await page.getByLabel('Payment method').fill('pm_card_visa');
  await page.getByRole('button', { name: 'Accept the quote' }).click();
  await page.getByRole('status').getByText(/Your subscription sub_quo_[0-9a-f]{20} has started\./).waitFor();
  await checked(page, 'accepted');

  const subscription = await d.get(`sub_${created.body.id}`);
  expect(subscription).toMatchObject({ status: 'active', plan: { code: 'pro-monthly' }, discount: expect.objectContaining({ code: 'WELCOME20' }) });
  expect(subscription.addOns.map((addOn) => [addOn.code, addOn.quantity])).toEqual([
    ['extra-seat', 2],
    ['custom-1', 1],
  ]);
  expect(subscription.latestInvoice?.amountCents).toBe(created.body.pricing.firstInvoice.totalCents);
});
