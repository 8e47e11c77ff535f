// The portal's payment-method form with Stripe's Payment Element (STRIPE_PUBLISHABLE_KEY with the
// Stripe gateway), at the HTTP level against stripe-mock behind the test-mode stand-in: the page
// carries a SetupIntent made for the customer's own Stripe customer and lets Stripe.js in (that page
// only); the return route applies what Stripe says the SetupIntent saved, once, and refuses anything
// else. What the element does in a browser is Stripe.js's (js.stripe.com, not reachable offline):
// the stand-in's `confirmSetup` does what its confirmSetup call does at Stripe.
import type { Express } from 'express';
import type Stripe from 'stripe';
import request from 'supertest';
import { createGateway, createHostedElement, stripeClient } from '../../gateway';
import type { Harness } from '../support/harness';
import { querySubscription, rawTestApp, startHarness, testApp, TEST_LINKS } from '../support/harness';
import { driver, newCustomer, type Driver } from '../support/lifecycle';
import { Browser, signIn, textOf } from '../support/portal';
import { StripeStandIn } from '../support/stripe-stand-in';

const SECRET_KEY = 'sk_test_portalElement4242';
const PUBLISHABLE_KEY = 'pk_test_portalElement4242';
const WEBHOOK_SECRET = 'whsec_portal_element_0123456789abcdef';

let standIn: StripeStandIn;
let stripe: Stripe;
let h: Harness;
let d: Driver;
let app: Express;
beforeAll(async () => {
  standIn = await StripeStandIn.start();
  stripe = stripeClient(SECRET_KEY, standIn.url);
  const config = { PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: standIn.url, STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY, PUBLIC_URL: TEST_LINKS.publicUrl } as const;
  h = await startHarness({ gateway: (_sandbox, prisma) => createGateway(config, prisma) });
  const stripeOnly = { stripeWebhook: { secret: WEBHOOK_SECRET }, sandbox: undefined };
  app = rawTestApp(h, { ...stripeOnly, hostedElement: createHostedElement(config, h.db.prisma)! });
  d = driver(h, testApp(h, undefined, stripeOnly));
  for (const id of ['el_ada', 'el_bob', 'el_due']) await d.create({ id, customer: newCustomer(id), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
});
afterAll(async () => {
  await h?.teardown();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.failures()).toEqual([]);
});

const live = (id: string) => querySubscription(h, `subscription-${id}`);
const page = (id: string) => `/portal/subscriptions/${id}`;
const returnTo = (id: string, setupIntent: string) => `${page(id)}/payment-method/return?setup_intent=${setupIntent}&redirect_status=succeeded`;

async function signedIn(name: string, portal = app): Promise<Browser> {
  const browser = new Browser(portal);
  await signIn(h, browser, `${name}@example.com`);
  return browser;
}

/** The client secret the page gives the element, and the SetupIntent it belongs to. */
async function elementOn(browser: Browser, id: string): Promise<{ html: string; csp: string; clientSecret: string; setupIntent: string }> {
  const res = await browser.get(page(id));
  expect(res.status).toBe(200);
  const clientSecret = /data-client-secret="([^"]+)"/.exec(res.text)?.[1];
  if (!clientSecret) throw new Error(`no element on ${page(id)}`);
  return { html: res.text, csp: String(res.headers['content-security-policy']), clientSecret, setupIntent: clientSecret.split('_secret_')[0]! };
}

const stripeCustomerOf = async (customerId: string) =>
  (await h.db.prisma.gatewayCustomer.findUniqueOrThrow({ where: { gateway_customerId: { gateway: 'stripe', customerId } } })).gatewayCustomerId;
const customerIdOf = async (subscriptionId: string) => (await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).customerId;
const paymentIntentsMade = () => standIn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && !r.replayed).length;

test("the payment-method section is Stripe's Payment Element with a SetupIntent made for the customer's own Stripe customer", async () => {
  const browser = await signedIn('el_ada');
  const { html, clientSecret, setupIntent } = await elementOn(browser, 'el_ada');
  expect(html).toContain('<div id="hosted-element-mount"></div>');
  expect(html).toContain('<script src="https://js.stripe.com/v3/" defer></script>');
  expect(html).toContain('<script src="/portal/assets/hosted-element.js" defer></script>');
  expect(html).toContain(`data-publishable-key="${PUBLISHABLE_KEY}"`);
  expect(html).toContain(`data-return-url="${TEST_LINKS.publicUrl}/portal/subscriptions/el_ada/payment-method/return"`);
  expect(html).toContain('data-locale="en"');
  // No token field, and no hint that cards are collected elsewhere.
  expect(html).not.toContain('name="paymentMethod"');
  expect(textOf(html)).not.toContain('own payment page');

  const made = await stripe.setupIntents.retrieve(setupIntent);
  expect(made).toMatchObject({ client_secret: clientSecret, customer: await stripeCustomerOf(await customerIdOf('el_ada')), usage: 'off_session', status: 'requires_payment_method' });
  expect(made.metadata).toMatchObject({ subscription_id: 'el_ada' });
  const creation = standIn.requests.find((r) => r.method === 'POST' && r.path === '/v1/setup_intents');
  expect(creation).toMatchObject({ stripeMockStatus: 200, idempotencyKey: expect.stringMatching(/^portal-setup-/) });

  // Every view makes its own: a SetupIntent once confirmed cannot be confirmed again.
  expect((await elementOn(browser, 'el_ada')).setupIntent).not.toBe(setupIntent);
  const script = await browser.get('/portal/assets/hosted-element.js');
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toMatch(/javascript/);
  expect(script.text).toContain('confirmSetup');
});

test('only that page lets Stripe.js in: its policy adds js.stripe.com scripts and frames and api.stripe.com calls, other pages keep the strict one', async () => {
  const browser = await signedIn('el_ada');
  const { csp } = await elementOn(browser, 'el_ada');
  const directives = Object.fromEntries(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources.join(' ')]));
  expect(directives).toMatchObject({
    'default-src': "'none'",
    'script-src': "'self' https://js.stripe.com",
    'script-src-attr': "'none'",
    'frame-src': 'https://js.stripe.com',
    'connect-src': 'https://api.stripe.com',
    'style-src': "'self'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
  });
  for (const other of ['/portal', '/portal/invoices', `${page('el_ada')}/plan?plan=pro-monthly`]) {
    const policy = String((await browser.get(other)).headers['content-security-policy']);
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain('stripe.com');
  }
});

test('the return from Stripe applies the payment method its SetupIntent saved and charges the past-due invoice with it; loading it again charges nothing more', async () => {
  expect((await d.post('/subscriptions/el_due/payment-method', { paymentMethod: 'pm_card_chargeCustomerFail' })).status).toBe(200);
  await d.advanceTo((await live('el_due')).currentPeriod.end);
  await d.until('el_due', (s) => s.status === 'past_due', 'el_due past due');
  const browser = await signedIn('el_due');
  const attempts = () => h.db.prisma.paymentAttempt.findMany({ where: { invoice: { subscriptionId: 'el_due' } }, orderBy: { createdAt: 'asc' } });

  /** Saves `card` on the page's element, as the customer would, and comes back from Stripe. */
  async function saveAndReturn(card: 'pm_card_visa' | 'pm_card_chargeCustomerFail') {
    const { clientSecret, setupIntent } = await elementOn(browser, 'el_due');
    standIn.testMode.confirmSetup(clientSecret, card);
    const back = await browser.get(returnTo('el_due', setupIntent));
    expect(back.status).toBe(303);
    return { setupIntent, saved: standIn.testMode.setupPaymentMethod(setupIntent), location: back.headers.location };
  }
  /** Loading the return address again (a reload, the back button): the same update, applied once. */
  async function reloadChangesNothing(setupIntent: string) {
    const [before, intents, view] = [await attempts(), paymentIntentsMade(), await live('el_due')];
    const again = await browser.get(returnTo('el_due', setupIntent));
    expect(again.status).toBe(303);
    expect(await attempts()).toEqual(before);
    expect(paymentIntentsMade()).toBe(intents);
    expect(await live('el_due')).toMatchObject({ status: view.status, paymentMethod: view.paymentMethod, stats: view.stats, dunning: view.dunning });
    return again.headers.location;
  }

  // A card Stripe saves but that declines every charge: the overdue invoice is tried with it once.
  const before = (await attempts()).length;
  const failing = await saveAndReturn('pm_card_chargeCustomerFail');
  expect(failing.location).toBe(`${page('el_due')}?done=paymentFailing`);
  expect(await live('el_due')).toMatchObject({ status: 'past_due', paymentMethod: failing.saved });
  expect((await attempts()).slice(before).map((a) => a.outcome)).toEqual(['declined']);
  expect(await reloadChangesNothing(failing.setupIntent)).toBe(`${page('el_due')}?done=paymentFailing`);

  const working = await saveAndReturn('pm_card_visa');
  expect(working.location).toBe(`${page('el_due')}?done=paymentPaid`);
  expect(textOf((await browser.get(working.location!)).text)).toContain('Payment method updated, and the overdue payment went through.');
  expect(await live('el_due')).toMatchObject({ status: 'active', paymentMethod: working.saved, dunning: null, latestInvoice: { status: 'paid' } });
  expect((await attempts()).slice(before).map((a) => [a.outcome, a.gateway])).toEqual([
    ['declined', 'stripe'],
    ['succeeded', 'stripe'],
  ]);
  expect(await reloadChangesNothing(working.setupIntent)).toMatch(new RegExp(`^${page('el_due')}\\?done=payment(Paid|Updated)$`));
  // The failing card's return, loaded once more after the invoice was paid, takes nothing back.
  await reloadChangesNothing(failing.setupIntent);
  expect((await live('el_due')).paymentMethod).toBe(working.saved);
});

test('a SetupIntent of another customer, one that saved nothing, or one Stripe never made is refused on the page, and nothing changes', async () => {
  const bob = await signedIn('el_bob');
  const bobs = await elementOn(bob, 'el_bob');
  standIn.testMode.confirmSetup(bobs.clientSecret, 'pm_card_visa');
  const ada = await signedIn('el_ada');
  const before = await live('el_ada');

  const theirs = await ada.get(returnTo('el_ada', bobs.setupIntent));
  expect(theirs.status).toBe(400);
  expect(textOf(theirs.text)).toContain('Nothing was changed: That payment method was not saved for your account.');
  // The refusal is the manage page: the element is there to try again, with its policy.
  expect(theirs.text).toContain('data-client-secret="seti_');
  expect(String(theirs.headers['content-security-policy'])).toContain('https://js.stripe.com');

  const unconfirmed = await elementOn(ada, 'el_ada');
  const notYet = await ada.get(returnTo('el_ada', unconfirmed.setupIntent));
  expect(notYet.status).toBe(400);
  expect(textOf(notYet.text)).toContain('Nothing was changed: Stripe did not save that payment method. Please try again.');
  const declined = await elementOn(ada, 'el_ada');
  expect(standIn.testMode.confirmSetup(declined.clientSecret, 'pm_card_chargeDeclined')).toMatchObject({ status: 'requires_payment_method', last_setup_error: { code: 'card_declined' } });
  expect((await ada.get(returnTo('el_ada', declined.setupIntent))).status).toBe(400);

  const forged = await ada.get(returnTo('el_ada', 'seti_1NeverMadeByStripe000000'));
  expect(forged.status).toBe(400);
  expect(textOf(forged.text)).toContain('That payment method was not saved for your account.');
  for (const query of ['setup_intent=pm_card_visa', 'setup_intent=seti_%3Cscript%3E', '']) {
    expect((await ada.get(`${page('el_ada')}/payment-method/return?${query}`)).status).toBe(400);
  }
  // Another customer's subscription has no return route for Ada, whatever the SetupIntent.
  expect((await ada.get(returnTo('el_bob', bobs.setupIntent))).status).toBe(404);
  expect(await live('el_ada')).toEqual(before);
  expect((await live('el_bob')).paymentMethod).toBe('pm_card_visa');
});

test('a trialing customer Stripe has never seen gets their Stripe customer made for the SetupIntent, and the trial’s end charges the card it saved', async () => {
  await d.create({ id: 'el_trial', customer: newCustomer('el_trial'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa', trialDays: 14 });
  const customerId = await customerIdOf('el_trial');
  expect(await h.db.prisma.gatewayCustomer.count({ where: { customerId } })).toBe(0);
  const browser = await signedIn('el_trial');
  const { clientSecret, setupIntent } = await elementOn(browser, 'el_trial');
  expect((await stripe.setupIntents.retrieve(setupIntent)).customer).toBe(await stripeCustomerOf(customerId));
  standIn.testMode.confirmSetup(clientSecret, 'pm_card_visa');
  const saved = standIn.testMode.setupPaymentMethod(setupIntent);

  const back = await browser.get(returnTo('el_trial', setupIntent));
  expect(back.headers.location).toBe(`${page('el_trial')}?done=paymentUpdated`);
  const trialing = await live('el_trial');
  expect(trialing).toMatchObject({ status: 'trialing', paymentMethod: saved });
  await d.advanceTo(trialing.currentPeriod.end);
  await d.until('el_trial', (s) => s.status === 'active', 'el_trial active');
  const [charged, ...others] = await h.db.prisma.paymentAttempt.findMany({ where: { invoice: { subscriptionId: 'el_trial' } } });
  expect(others).toEqual([]);
  expect(charged).toMatchObject({ outcome: 'succeeded', gateway: 'stripe' });
});

test('when Stripe does not answer, the page says the payment method cannot be changed now, and everything else on it works', async () => {
  const unreachable = { PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: 'http://127.0.0.1:9', STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY, PUBLIC_URL: TEST_LINKS.publicUrl } as const;
  const portal = rawTestApp(h, { stripeWebhook: { secret: WEBHOOK_SECRET }, sandbox: undefined, hostedElement: createHostedElement(unreachable, h.db.prisma)!, onUnexpectedError: () => undefined });
  const browser = await signedIn('el_bob', portal);
  const manage = await browser.get(page('el_bob'));
  expect(manage.status).toBe(200);
  expect(textOf(manage.text)).toContain('The payment method cannot be changed just now: our payment provider, Stripe, did not answer.');
  expect(manage.text).not.toContain('js.stripe.com');
  expect(String(manage.headers['content-security-policy'])).not.toContain('stripe.com');
  expect((await browser.submit(page('el_bob'), `${page('el_bob')}/cancel`)).headers.location).toBe(`${page('el_bob')}?done=canceled`);
  expect((await browser.submit(page('el_bob'), `${page('el_bob')}/uncancel`)).headers.location).toBe(`${page('el_bob')}?done=uncanceled`);
});

test('signed out, the return route asks to sign in first and then comes back to it', async () => {
  const res = await request(app).get(returnTo('el_ada', 'seti_1Anything'));
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(returnTo('el_ada', 'seti_1Anything'))}`);
});

test('without a publishable key the Stripe gateway keeps the token field and the strict policy, and there is no return route', async () => {
  const plain = await signedIn('el_ada', rawTestApp(h, { stripeWebhook: { secret: WEBHOOK_SECRET }, sandbox: undefined }));
  const manage = await plain.get(page('el_ada'));
  expect(manage.text).toContain('name="paymentMethod"');
  expect(manage.text).not.toContain('js.stripe.com');
  expect(String(manage.headers['content-security-policy'])).not.toContain('stripe.com');
  expect((await plain.get(returnTo('el_ada', 'seti_1Anything'))).status).toBe(404);
  // The token form still wants its CSRF token.
  expect((await plain.post(`${page('el_ada')}/payment-method`, { paymentMethod: 'pm_card_visa' })).status).toBe(403);
});
