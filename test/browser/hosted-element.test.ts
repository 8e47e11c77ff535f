// The manage page with Stripe's Payment Element configured, in a real Chromium, with js.stripe.com
// unreachable (as it is offline): the page's own script runs under the page's Content-Security-Policy
// and tells the customer the form could not be loaded, instead of a dead button. What Stripe.js does
// when it loads is Stripe's, and not testable here (README, "Customer portal").
import { createGateway, createHostedElement } from '../../gateway';
import { expectNoSeriousA11yViolations, screenshot, serve, type ServedApp, useBrowser } from '../support/browser';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness, testApp, TEST_LINKS } from '../support/harness';
import { driver, newCustomer } from '../support/lifecycle';
import { linkIn, signInEmails } from '../support/portal';
import { StripeStandIn } from '../support/stripe-stand-in';

const browser = useBrowser();
let standIn: StripeStandIn;
let h: Harness;
let server: ServedApp;
beforeAll(async () => {
  standIn = await StripeStandIn.start();
  const config = { PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_test_browserElement', STRIPE_API_BASE: standIn.url, STRIPE_PUBLISHABLE_KEY: 'pk_test_browserElement', PUBLIC_URL: TEST_LINKS.publicUrl } as const;
  h = await startHarness({ gateway: (_sandbox, prisma) => createGateway(config, prisma) });
  const stripeOnly = { stripeWebhook: { secret: 'whsec_browser_element_0123456789' }, sandbox: undefined };
  await driver(h, testApp(h, undefined, stripeOnly)).create({ id: 'el_browser', customer: newCustomer('el_browser'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  server = await serve(rawTestApp(h, { ...stripeOnly, hostedElement: createHostedElement(config, h.db.prisma)! }));
});
afterAll(async () => {
  await server?.close();
  await h?.teardown();
  await standIn?.close();
});

test('with Stripe.js unreachable, the page’s own script says the payment form could not be loaded, and the page breaks no policy', async () => {
  const { page } = browser;
  const refusedByPolicy: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refusedByPolicy.push(message.text());
  });
  await page.route('https://js.stripe.com/**', (route) => route.abort('internetdisconnected'));

  await page.goto(`${server.origin}/portal/sign-in`);
  await page.getByLabel('Email address').fill('el_browser@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const [mail] = await signInEmails(h, 'el_browser@example.com');
  await page.goto(server.local(`${TEST_LINKS.publicUrl}${linkIn(mail!)}`));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your subscriptions' }).waitFor();

  await page.goto(`${server.origin}/portal/subscriptions/el_browser`);
  await page.getByRole('alert').getByText('Stripe’s payment form could not be loaded.', { exact: false }).waitFor();
  // No button that could never work.
  expect(await page.getByRole('button', { name: 'Save payment method' }).count()).toBe(0);
  await screenshot(page, 'portal/manage-stripe-unreachable');
  await expectNoSeriousA11yViolations(page);
  expect(refusedByPolicy).toEqual([]);
});
