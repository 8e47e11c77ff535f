// The portal in a real browser, as a customer uses it: signs in from the emailed link, changes plan
// and adds a seat, each after its preview, pauses and resumes, cancels and uncancels; and one who
// cancels is offered a discount first (a retention rule), and stays. Every page is
// screenshotted (test-artifacts/screenshots/portal/) and checked by axe-core.
import request from 'supertest';
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

/** The flash message of the page a form redirected to; waiting for it waits for that page. */
const flash = (page: Page, text: string | RegExp) => page.getByRole('status').getByText(text).waitFor();

test('a customer signs in from the email, changes plan after its preview, adds a seat, pauses and resumes, cancels and uncancels', async () => {
  await d.create({ id: 'portal_browser', customer: newCustomer('portal_browser'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  const { page } = browser;

  await page.goto(`${server.origin}/portal/sign-in`);
  await checked(page, 'sign-in');
  await page.getByLabel('Email address').fill('portal_browser@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const [mail] = await signInEmails(h, 'portal_browser@example.com');
  await page.goto(`${server.origin}${linkIn(mail!)}`);
  await checked(page, 'sign-in-link');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your subscriptions' }).waitFor();
  await checked(page, 'overview');

  await page.getByRole('link', { name: 'Manage subscription' }).click();
  await page.getByRole('heading', { name: 'Manage Basic monthly' }).waitFor();
  await checked(page, 'manage');

  await page.getByLabel(/^Pro monthly/).check();
  await page.getByRole('button', { name: 'See what it costs', exact: true }).click();
  await page.getByRole('heading', { name: 'Change to Pro monthly' }).waitFor();
  expect(await page.locator('main').innerText()).toMatch(/Total due now\s+€\d+\.\d\d/);
  await checked(page, 'plan-preview');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await flash(page, 'Your plan is now Pro monthly.');
  await checked(page, 'plan-changed');

  await page.getByLabel(/^Extra seat/).fill('1');
  await page.getByRole('button', { name: 'See what it costs: Extra seat' }).click();
  await page.getByRole('heading', { name: 'Change Extra seat' }).waitFor();
  const seatPreview = await page.locator('main').innerText();
  expect(seatPreview).toContain('Extra seat: from 0 to 1.');
  expect(seatPreview).toContain('Nothing to pay now.');
  expect(seatPreview).toMatch(/Added to your next invoice\s+€\d+\.\d\d/);
  await checked(page, 'add-on-preview');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await flash(page, 'The add-on quantity is updated.');
  await checked(page, 'seat-added');

  // With the keyboard: focus the button, press Enter.
  await page.getByRole('button', { name: 'Pause subscription' }).focus();
  await page.keyboard.press('Enter');
  await flash(page, 'Your subscription is paused.');
  await checked(page, 'paused');
  await page.getByRole('button', { name: 'Resume subscription' }).focus();
  await page.keyboard.press('Enter');
  await flash(page, 'Your subscription is active again.');
  await checked(page, 'resumed');

  await page.getByLabel('Why are you leaving?').selectOption('not_using');
  await page.getByRole('button', { name: 'Cancel at period end' }).click();
  await flash(page, /^Your subscription ends on .+\. Your reason: I do not use it enough\.$/);
  await checked(page, 'canceled');
  await page.getByRole('button', { name: 'Keep my subscription' }).click();
  await flash(page, 'Your subscription will renew as before.');
  await checked(page, 'uncanceled');

  const live = await querySubscription(h, 'subscription-portal_browser');
  expect(live).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, plan: { code: 'pro-monthly' }, addOns: [expect.objectContaining({ code: 'extra-seat', quantity: 1 })] });
});

test('a customer who cancels because something is missing is shown Before you go, and accepts the discount to stay', async () => {
  // A retention rule of this test's own: unlike the seeded one, it needs no paid renewal.
  const rule = {
    description: 'Browser test: missing features, 25% off for 2 periods',
    enabled: true,
    priority: 0,
    moment: 'cancel',
    when: [{ fact: 'cancelReason', in: ['missing_features'] }],
    offer: { target: { kind: 'current_plan' }, percentOff: 25, discountPeriods: 2, expiresInDays: 1 },
    cooldownDays: 30,
  };
  expect((await request(d.app).put('/offer-rules/browser-retention').send(rule)).status).toBe(200);
  await d.create({ id: 'portal_retention', customer: newCustomer('portal_retention'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  const { page } = browser;
  await page.goto(`${server.origin}/portal/sign-in`);
  await page.getByLabel('Email address').fill('portal_retention@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const [mail] = await signInEmails(h, 'portal_retention@example.com');
  await page.goto(`${server.origin}${linkIn(mail!)}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Manage subscription' }).click();

  await page.getByLabel('Why are you leaving?').selectOption('missing_features');
  await page.getByRole('button', { name: 'Cancel at period end' }).click();
  await page.getByRole('heading', { name: 'Before you go' }).waitFor();
  expect(await page.locator('main').innerText()).toMatch(/Next 2 billing periods\s+€6\.75 per month/);
  await checked(page, 'retention');
  await page.getByRole('button', { name: 'Accept and stay' }).click();
  await flash(page, 'Thank you for staying. Your discount applies from your next invoice.');

  const live = await querySubscription(h, 'subscription-portal_retention');
  expect(live).toMatchObject({ cancelAtPeriodEnd: false, discount: { percentOff: 25, remainingPeriods: 2 } });
});
