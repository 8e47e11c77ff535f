// The sandbox bank's 3-D Secure page in a real browser: what a customer sees when the first payment
// needs authentication, confirmed with the keyboard alone, and the subscription it activates.
import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { expectNoSeriousA11yViolations, screenshot, serve, type ServedApp, useBrowser } from '../support/browser';
import type { Harness } from '../support/harness';
import { startHarness, TEST_LINKS, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';

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

test('a customer confirms a first payment that needs 3-D Secure with the keyboard on the sandbox bank page, and the subscription activates', async () => {
  const created = await d.create({ id: 'sca_browser', customer: newCustomer('sca_browser'), plan: 'pro-monthly', paymentMethod: SANDBOX_TOKENS.authenticationRequired });
  expect(created).toMatchObject({ status: 'incomplete', pendingPayment: { reason: 'action_required' } });
  const actionUrl = created.pendingPayment!.actionUrl!;
  expect(actionUrl.startsWith(`${TEST_LINKS.publicUrl}/sandbox/charges/`)).toBe(true);

  const { page } = browser;
  await page.goto(server.local(actionUrl));
  await page.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
  expect(await page.locator('main').innerText()).toMatch(/Confirm the payment of .+ for invoice .+\?/);
  await screenshot(page, 'sandbox-authentication/confirm-page');
  // Our own page: not even a minor finding.
  expect((await expectNoSeriousA11yViolations(page)).map((violation) => violation.id)).toEqual([]);

  // The confirmation comes first in the tab order: one Tab reaches it.
  await page.keyboard.press('Tab');
  expect(await page.locator(':focus').innerText()).toBe('Confirm payment');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Payment confirmed' }).waitFor();
  expect(await page.locator('main').innerText()).toMatch(/: succeeded\. You can close this page\./);
  await screenshot(page, 'sandbox-authentication/confirmed-page');
  expect((await expectNoSeriousA11yViolations(page)).map((violation) => violation.id)).toEqual([]);

  const active = await d.until('sca_browser', (s) => s.status === 'active', 'active after the customer confirmed');
  expect(active).toMatchObject({ pendingPayment: null, latestInvoice: { status: 'paid', attempts: 1 } });
});
