// The Stripe gateway against stripe-mock (Stripe's OpenAPI description: every request's parameter
// names and types) behind the test-mode stand-in (idempotency, test cards, PaymentIntent states).
import type Stripe from 'stripe';
import { createGateway, stripeClient } from '../../gateway';
import type { ChargeCustomer, ChargeRequest, PaymentGateway } from '../../gateway/payment-gateway';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyKeyReuseError } from '../../gateway/payment-gateway';
import { StripeGateway } from '../../gateway/stripe-gateway';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { StripeStandIn } from '../support/stripe-stand-in';

let standIn: StripeStandIn;
let db: TestDatabase;
let gateway: PaymentGateway;
/** Stripe as the business sees it in its dashboard: for setting up and reading back. */
let stripe: Stripe;

const SECRET_KEY = 'sk_test_standIn4242';
const gatewayOf = () =>
  createGateway({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: standIn.url, PUBLIC_URL: 'https://billing.example.test' }, db.prisma);

beforeAll(async () => {
  [standIn, db] = await Promise.all([StripeStandIn.start(), createTestDatabase()]);
  gateway = gatewayOf();
  stripe = stripeClient(SECRET_KEY, standIn.url);
});
afterAll(async () => {
  await Promise.all([standIn?.close(), db?.drop()]);
});
afterEach(() => {
  // stripe-mock accepted every request, and the stand-in answered each as Stripe would.
  expect(standIn.failures()).toEqual([]);
});

let serial = 0;
async function engineCustomer(): Promise<ChargeCustomer> {
  const id = `cus_engine_${++serial}`;
  const customer = { id, email: `${id}@example.com`, name: 'Ada Lovelace' };
  await db.prisma.customer.create({ data: customer });
  return customer;
}

function chargeOf(customer: ChargeCustomer, paymentMethod: string, changes: Partial<ChargeRequest> = {}): ChargeRequest {
  const n = ++serial;
  return {
    idempotencyKey: `sub_${n}/2027-${n}/1`,
    amountCents: 2900,
    currency: 'EUR',
    paymentMethod,
    reference: `sub_${n}/1`,
    invoiceNumber: `2027-${n}`,
    subscriptionId: `sub_${n}`,
    customer,
    at: '2027-01-01T00:00:00Z',
    ...changes,
  };
}

const requestsTo = (method: string, path: string) => standIn.requests.filter((request) => request.method === method && request.path === path);
const searches = (requests: typeof standIn.requests) => requests.filter((request) => request.method === 'GET' && request.path.startsWith('/v1/payment_intents/search?'));

test('pm_card_visa succeeds: one PaymentIntent, confirmed off-session for the Stripe customer of the engine customer', async () => {
  const customer = await engineCustomer();
  const request = chargeOf(customer, 'pm_card_visa');
  const result = await gateway.charge(request);

  expect(result).toEqual({ outcome: 'succeeded', chargeId: expect.stringMatching(/^pi_/) });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([result.chargeId]);
  const { gatewayCustomerId } = await db.prisma.gatewayCustomer.findUniqueOrThrow({ where: { gateway_customerId: { gateway: 'stripe', customerId: customer.id } } });
  const intent = await stripe.paymentIntents.retrieve(result.chargeId);
  expect(intent).toMatchObject({
    status: 'succeeded',
    amount: 2900,
    amount_received: 2900,
    currency: 'eur',
    customer: gatewayCustomerId,
    payment_method: 'pm_card_visa',
    description: `Invoice ${request.invoiceNumber}`,
    metadata: {
      invoice_number: request.invoiceNumber,
      invoice_reference: request.reference,
      subscription_id: request.subscriptionId,
      engine_customer_id: customer.id,
      charge_key: request.idempotencyKey,
    },
  });
  // Stripe's OpenAPI description accepted the charge's parameters.
  expect(requestsTo('POST', '/v1/payment_intents').find((sent) => sent.idempotencyKey === request.idempotencyKey)).toMatchObject({ stripeMockStatus: 200, status: 200 });
});

test.each([
  ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'soft'],
  ['pm_card_chargeDeclined', 'generic_decline', 'soft'],
  ['pm_card_chargeDeclinedStolenCard', 'stolen_card', 'hard'],
  ['pm_card_chargeDeclinedLostCard', 'lost_card', 'hard'],
  ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'hard'],
])('%s is declined when Stripe checks it on attaching: %s, a %s decline, and nothing is charged', async (paymentMethod, declineCode, declineType) => {
  const request = chargeOf(await engineCustomer(), paymentMethod);
  expect(await gateway.charge(request)).toEqual({ outcome: 'declined', chargeId: paymentMethod, declineCode, declineType, message: expect.any(String) });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([]);
});

test('pm_card_chargeCustomerFail attaches and is declined by the charge: the decline names its PaymentIntent, which says the same later', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_chargeCustomerFail');
  const result = await gateway.charge(request);
  expect(result).toEqual({ outcome: 'declined', chargeId: expect.stringMatching(/^pi_/), declineCode: 'generic_decline', declineType: 'soft', message: 'Your card was declined.' });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([result.chargeId]);
  // The intent waits for another payment method, its last error the decline.
  expect(await gateway.chargeStatus({ chargeId: result.chargeId, idempotencyKey: request.idempotencyKey, at: request.at })).toEqual(result);
});

test('pm_card_authenticationRequired off-session is a soft authentication_required decline: the customer can authenticate before the next attempt', async () => {
  const result = await gateway.charge(chargeOf(await engineCustomer(), 'pm_card_authenticationRequired'));
  expect(result).toMatchObject({ outcome: 'declined', chargeId: expect.stringMatching(/^pi_/), declineCode: 'authentication_required', declineType: 'soft' });
});

test('a charge waiting for 3-D Secure is pending with Stripe’s authentication link, and succeeds once the customer completes it', async () => {
  standIn.testMode.nextChargeWaits('requires_action');
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const pending = await gateway.charge(request);
  expect(pending).toEqual({ outcome: 'pending', chargeId: expect.stringMatching(/^pi_/), reason: 'action_required', actionUrl: expect.stringMatching(/^https:\/\/hooks\.stripe\.com\//) });
  const ref = { chargeId: pending.chargeId, idempotencyKey: request.idempotencyKey, at: request.at };
  expect(pending.outcome === 'pending' && pending.actionUrl).toContain(pending.chargeId);
  expect(await gateway.chargeStatus(ref)).toEqual(pending);

  standIn.testMode.finish(pending.chargeId, 'succeeded');
  expect(await gateway.chargeStatus(ref)).toEqual({ outcome: 'succeeded', chargeId: pending.chargeId });
});

test('a failed authentication leaves the intent needing another payment method: a soft decline', async () => {
  standIn.testMode.nextChargeWaits('requires_action');
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const { chargeId } = await gateway.charge(request);
  standIn.testMode.finish(chargeId, 'authentication_failed');
  expect(await gateway.chargeStatus({ chargeId, idempotencyKey: request.idempotencyKey, at: request.at })).toMatchObject({
    outcome: 'declined',
    declineCode: 'payment_intent_authentication_failure',
    declineType: 'soft',
  });
});

test('a charge Stripe is still processing is pending without a link, until it settles', async () => {
  standIn.testMode.nextChargeWaits('processing');
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const pending = await gateway.charge(request);
  expect(pending).toEqual({ outcome: 'pending', chargeId: expect.stringMatching(/^pi_/), reason: 'processing', actionUrl: null });
  standIn.testMode.finish(pending.chargeId, 'succeeded');
  expect(await gateway.chargeStatus({ chargeId: pending.chargeId, idempotencyKey: request.idempotencyKey, at: request.at })).toEqual({ outcome: 'succeeded', chargeId: pending.chargeId });
});

test('canceling a charge Stripe is processing is retryable until it settles, then answers how it ended', async () => {
  standIn.testMode.nextChargeWaits('processing');
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const { chargeId } = await gateway.charge(request);
  const ref = { chargeId, idempotencyKey: request.idempotencyKey, at: request.at };
  const refused = gateway.cancelCharge(ref);
  await expect(refused).rejects.toBeInstanceOf(GatewayUnavailableError);
  await expect(refused).rejects.toThrow(`${chargeId} is processing`);
  expect(requestsTo('POST', `/v1/payment_intents/${chargeId}/cancel`)).toMatchObject([{ status: 400 }]);

  standIn.testMode.finish(chargeId, 'succeeded');
  expect(await gateway.cancelCharge(ref)).toEqual({ outcome: 'succeeded', chargeId });
});

test('canceling a pending charge ends it as a soft decline for good; canceling one that completed first answers its success', async () => {
  standIn.testMode.nextChargeWaits('requires_action');
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const { chargeId } = await gateway.charge(request);
  const ref = { chargeId, idempotencyKey: request.idempotencyKey, at: request.at };
  const canceled = { outcome: 'declined', chargeId, declineCode: 'payment_canceled', declineType: 'soft', message: expect.any(String) };
  expect(await gateway.cancelCharge(ref)).toEqual(canceled);
  expect(await gateway.chargeStatus(ref)).toEqual(canceled);
  expect(await gateway.cancelCharge(ref)).toEqual(canceled);

  standIn.testMode.nextChargeWaits('requires_action');
  const completed = chargeOf(await engineCustomer(), 'pm_card_visa');
  const pending = await gateway.charge(completed);
  standIn.testMode.finish(pending.chargeId, 'succeeded');
  // Stripe refuses to cancel a succeeded PaymentIntent (400): the gateway reads how it ended.
  expect(await gateway.cancelCharge({ chargeId: pending.chargeId, idempotencyKey: completed.idempotencyKey, at: completed.at })).toEqual({ outcome: 'succeeded', chargeId: pending.chargeId });
  expect(requestsTo('POST', `/v1/payment_intents/${pending.chargeId}/cancel`)).toMatchObject([{ status: 400 }]);
});

test('an answer lost after Stripe charged is a retryable error; the retry under the same key gets the same PaymentIntent, charged once', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  // Stripe's client resends a request once, under its key, when the connection closes on it:
  // the answer is lost both times.
  standIn.dropNextAnswers('POST', '/v1/payment_intents', 2);
  await expect(gateway.charge(request)).rejects.toBeInstanceOf(GatewayUnavailableError);

  const retried = await gateway.charge(request);
  expect(retried).toEqual({ outcome: 'succeeded', chargeId: expect.stringMatching(/^pi_/) });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([retried.chargeId]);
  const sent = requestsTo('POST', '/v1/payment_intents').filter((charge) => charge.idempotencyKey === request.idempotencyKey);
  expect(sent).toMatchObject([
    { status: 0, replayed: false },
    { status: 0, replayed: true },
    { status: 200, replayed: true },
  ]);
});

test('after Stripe forgot the key (24 hours), a repeated charge whose answer was lost finds its PaymentIntent by the key in its metadata: one charge', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  standIn.dropNextAnswers('POST', '/v1/payment_intents', 2);
  await expect(gateway.charge(request)).rejects.toBeInstanceOf(GatewayUnavailableError);
  const [charged] = standIn.chargesUnder(request.idempotencyKey);
  standIn.forgetIdempotencyKeys();

  const before = standIn.requests.length;
  expect(await gateway.charge({ ...request, repeated: true })).toEqual({ outcome: 'succeeded', chargeId: charged });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([charged]);
  const sent = standIn.requests.slice(before);
  const [search, ...more] = searches(sent);
  expect(more).toEqual([]);
  expect(new URLSearchParams(search!.path.split('?')[1]).get('query')).toBe(`metadata['charge_key']:'${request.idempotencyKey}'`);
  expect(sent.filter((made) => made.method === 'POST')).toEqual([]);
});

test('a repeated charge that never reached Stripe searches, finds nothing, and charges once; a first charge makes no search', async () => {
  const customer = await engineCustomer();
  const first = chargeOf(customer, 'pm_card_visa');
  const before = standIn.requests.length;
  const result = await gateway.charge(first);
  expect(searches(standIn.requests.slice(before))).toEqual([]);

  const repeated = chargeOf(customer, 'pm_card_visa', { repeated: true });
  const beforeRepeat = standIn.requests.length;
  const charged = await gateway.charge(repeated);
  expect(charged).toEqual({ outcome: 'succeeded', chargeId: expect.stringMatching(/^pi_/) });
  expect(charged.chargeId).not.toBe(result.chargeId);
  expect(standIn.chargesUnder(repeated.idempotencyKey)).toEqual([charged.chargeId]);
  expect(searches(standIn.requests.slice(beforeRepeat))).toMatchObject([{ status: 200 }]);
});

test('a repeated charge declined by its PaymentIntent answers the same decline after Stripe forgot the key', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_chargeCustomerFail');
  const declined = await gateway.charge(request);
  standIn.forgetIdempotencyKeys();
  expect(await gateway.charge({ ...request, repeated: true })).toEqual(declined);
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([declined.chargeId]);
});

test('after Stripe forgot the key, a repeated charge for another amount is refused as key reuse, uncharged', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const first = await gateway.charge(request);
  standIn.forgetIdempotencyKeys();
  await expect(gateway.charge({ ...request, amountCents: 3900, repeated: true })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([first.chargeId]);
});

test('a key reused for another amount is refused as Stripe refuses it, and never retried into a second charge', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const first = await gateway.charge(request);
  await expect(gateway.charge({ ...request, amountCents: 3900 })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([first.chargeId]);
});

test('a refund is made once per key; the key reused for another amount is refused', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_card_visa');
  const { chargeId } = await gateway.charge(request);
  const refund = { idempotencyKey: `refund/${request.idempotencyKey}`, chargeId, amountCents: 1000, currency: 'EUR', at: request.at };
  const { refundId } = await gateway.refund(refund);
  expect(refundId).toMatch(/^re_/);
  expect(await gateway.refund(refund)).toEqual({ refundId });
  await expect(gateway.refund({ ...refund, amountCents: 1500 })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  expect(requestsTo('POST', '/v1/refunds').filter((sent) => sent.idempotencyKey === refund.idempotencyKey && !sent.replayed && sent.status === 200)).toHaveLength(1);
});

test('two charges of one customer share one Stripe customer, created once', async () => {
  const customer = await engineCustomer();
  const customersCreated = () => requestsTo('POST', '/v1/customers').filter((sent) => sent.idempotencyKey === `customer-${customer.id}`);
  const first = await gateway.charge(chargeOf(customer, 'pm_card_visa'));
  const second = await gateway.charge(chargeOf(customer, 'pm_card_visa'));
  expect(customersCreated()).toHaveLength(1);
  const [a, b] = await Promise.all([stripe.paymentIntents.retrieve(first.chargeId), stripe.paymentIntents.retrieve(second.chargeId)]);
  expect(a.customer).toEqual(b.customer);
});

test('first charges of one customer on three workers at once make one Stripe customer and one row', async () => {
  const customer = await engineCustomer();
  const [first, ...others] = [gatewayOf(), gatewayOf(), gatewayOf()].map((worker) => ({ worker, request: chargeOf(customer, 'pm_card_visa') }));
  const creation = standIn.holdNext('POST', '/v1/customers');
  const firstCharge = first!.worker.charge(first!.request);
  await creation.arrived;
  // While the first creation runs, Stripe answers the others 409 (key in use): retryable.
  for (const other of others) await expect(other.worker.charge(other.request)).rejects.toBeInstanceOf(GatewayUnavailableError);
  creation.release();
  // Temporal's retries of the other two activities.
  const results = [await firstCharge, ...(await Promise.all(others.map(({ worker, request }) => worker.charge(request))))];

  expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  const creations = requestsTo('POST', '/v1/customers').filter((sent) => sent.idempotencyKey === `customer-${customer.id}`);
  // The held first creation, the two refused; the retries find the row the first one wrote.
  expect(creations.map(({ status }) => status)).toEqual([200, 409, 409]);
  expect(await db.prisma.gatewayCustomer.count({ where: { customerId: customer.id } })).toBe(1);
  const intents = await Promise.all(results.map((result) => stripe.paymentIntents.retrieve(result.chargeId)));
  expect(new Set(intents.map((intent) => intent.customer)).size).toBe(1);
});

test('a payment method already attached to the customer is charged as is; one attached to another customer is a hard decline, uncharged', async () => {
  const customer = await engineCustomer();
  await gateway.charge(chargeOf(customer, 'pm_card_visa'));
  const { gatewayCustomerId } = await db.prisma.gatewayCustomer.findUniqueOrThrow({ where: { gateway_customerId: { gateway: 'stripe', customerId: customer.id } } });
  const saved = await stripe.paymentMethods.attach('pm_card_visa', { customer: gatewayCustomerId });
  expect(await gateway.charge(chargeOf(customer, saved.id))).toMatchObject({ outcome: 'succeeded' });
  expect(requestsTo('POST', `/v1/payment_methods/${saved.id}/attach`)).toEqual([]);

  const stranger = await stripe.customers.create({ email: 'someone-else@example.com' });
  const theirs = await stripe.paymentMethods.attach('pm_card_visa', { customer: stranger.id });
  const request = chargeOf(customer, theirs.id);
  expect(await gateway.charge(request)).toEqual({ outcome: 'declined', chargeId: theirs.id, declineCode: 'invalid_payment_method', declineType: 'hard', message: expect.stringMatching(/another account/) });
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([]);
  expect(requestsTo('POST', `/v1/payment_methods/${theirs.id}/attach`)).toEqual([]);
});

test('a payment method Stripe does not know is a hard decline naming it, uncharged', async () => {
  const request = chargeOf(await engineCustomer(), 'pm_1NeverCollectedByStripe');
  expect(await gateway.charge(request)).toEqual({
    outcome: 'declined',
    chargeId: 'pm_1NeverCollectedByStripe',
    declineCode: 'invalid_payment_method',
    declineType: 'hard',
    message: expect.stringMatching(/no longer exists/),
  });
  expect(requestsTo('GET', '/v1/payment_methods/pm_1NeverCollectedByStripe')).toMatchObject([{ status: 404 }]);
  expect(standIn.chargesUnder(request.idempotencyKey)).toEqual([]);
});

test.each(['chargeStatus', 'cancelCharge'] as const)('%s of a PaymentIntent Stripe does not know is a request error naming it (a bug, not an outage)', async (method) => {
  const chargeId = 'pi_3NeverMadeByThisGateway';
  const asked = gateway[method]({ chargeId, idempotencyKey: 'sub_x/2027-x/1', at: '2027-01-01T00:00:00Z' });
  await expect(asked).rejects.toBeInstanceOf(GatewayRequestError);
  await expect(asked).rejects.toThrow(`PaymentIntent ${chargeId}`);
});

test('a request Stripe’s API description refuses is refused by stripe-mock, and the client gets Stripe’s 400', async () => {
  const before = standIn.requests.length;
  await expect(stripe.rawRequest('POST', '/v1/payment_intents', { amount: 2900, currency: 'eur', invoice: 'not a PaymentIntent parameter' })).rejects.toMatchObject({
    type: 'StripeInvalidRequestError',
    statusCode: 400,
  });
  expect(standIn.requests.slice(before)).toMatchObject([{ stripeMockStatus: 400, status: 400 }]);
  // Deliberate: what afterEach would otherwise report.
  standIn.requests.splice(before);
});

test('Stripe out of reach is a retryable error', async () => {
  const unreachable = createGateway({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: 'http://127.0.0.1:1', PUBLIC_URL: 'https://billing.example.test' }, db.prisma);
  const customer = await engineCustomer();
  await expect(unreachable.charge(chargeOf(customer, 'pm_card_visa'))).rejects.toBeInstanceOf(GatewayUnavailableError);
});

test('a SetupIntent for the Payment Element is made off-session for the customer’s Stripe customer, and a resend under its key makes no second one', async () => {
  const customer = await engineCustomer();
  const setup = new StripeGateway({ stripe, prisma: db.prisma });
  const first = await setup.startSetup({ customer, idempotencyKey: `portal-setup-${customer.id}`, subscriptionId: 'sub_setup' });
  expect(first).toEqual({ id: expect.stringMatching(/^seti_/), clientSecret: expect.stringMatching(new RegExp(`^${first.id}_secret_`)) });
  const { gatewayCustomerId } = await db.prisma.gatewayCustomer.findUniqueOrThrow({ where: { gateway_customerId: { gateway: 'stripe', customerId: customer.id } } });
  expect(await stripe.setupIntents.retrieve(first.id)).toMatchObject({ customer: gatewayCustomerId, usage: 'off_session', metadata: { engine_customer_id: customer.id, subscription_id: 'sub_setup' } });

  expect(await setup.startSetup({ customer, idempotencyKey: `portal-setup-${customer.id}`, subscriptionId: 'sub_setup' })).toEqual(first);
  expect(requestsTo('POST', '/v1/setup_intents').filter((r) => r.idempotencyKey === `portal-setup-${customer.id}`).map((r) => r.replayed)).toEqual([false, true]);
  expect((await setup.startSetup({ customer, idempotencyKey: `portal-setup-${customer.id}-again`, subscriptionId: 'sub_setup' })).id).not.toBe(first.id);
});

test('what a SetupIntent saved is read from Stripe: the payment method once it succeeded for this customer, a refusal otherwise', async () => {
  const [ada, bob] = [await engineCustomer(), await engineCustomer()];
  const setup = new StripeGateway({ stripe, prisma: db.prisma });
  const adas = await setup.startSetup({ customer: ada, idempotencyKey: `portal-setup-${ada.id}`, subscriptionId: 'sub_ada' });
  expect(await setup.setupOutcome(ada, adas.id)).toEqual({ outcome: 'refused', reason: 'not_succeeded' });
  const confirmed = standIn.testMode.confirmSetup(adas.clientSecret, 'pm_card_visa');
  expect(await setup.setupOutcome(ada, adas.id)).toEqual({ outcome: 'saved', paymentMethod: confirmed.payment_method });
  expect(await setup.setupOutcome(ada, 'seti_1UnknownToStripe0000')).toEqual({ outcome: 'refused', reason: 'unknown' });

  // Bob was never seen at Stripe: no SetupIntent can be his, and Stripe is not asked.
  const reads = requestsTo('GET', `/v1/setup_intents/${adas.id}`).length;
  expect(await setup.setupOutcome(bob, adas.id)).toEqual({ outcome: 'refused', reason: 'not_theirs' });
  expect(requestsTo('GET', `/v1/setup_intents/${adas.id}`)).toHaveLength(reads);
  await setup.startSetup({ customer: bob, idempotencyKey: `portal-setup-${bob.id}`, subscriptionId: 'sub_bob' });
  expect(await setup.setupOutcome(bob, adas.id)).toEqual({ outcome: 'refused', reason: 'not_theirs' });
});
