// A subscription charged through the Stripe gateway (stripe-mock behind the test-mode stand-in),
// whose payments in flight end by Stripe's webhooks: the acceptance path of real payments.
import type { Express } from 'express';
import type Stripe from 'stripe';
import request from 'supertest';
import { createGateway } from '../../gateway';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import { stripeFixture, stripeSignature } from '../support/stripe-events';
import { StripeStandIn } from '../support/stripe-stand-in';

const SECRET_KEY = 'sk_test_endToEnd4242';
const WEBHOOK_SECRET = 'whsec_end_to_end_0123456789abcdef';

let standIn: StripeStandIn;
let h: Harness;
let d: Driver;
let app: Express;
beforeAll(async () => {
  standIn = await StripeStandIn.start();
  h = await startHarness({
    gateway: (_sandbox, prisma) => createGateway({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_BASE: standIn.url, PUBLIC_URL: 'https://billing.example.test' }, prisma),
  });
  app = testApp(h, undefined, { stripeWebhook: { secret: WEBHOOK_SECRET }, sandbox: undefined });
  d = driver(h, app);
});
afterAll(async () => {
  await h?.teardown();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.failures()).toEqual([]);
});

/** Stripe delivering `event`, signed with the endpoint's secret at the engine's "now". */
async function deliver(event: Stripe.Event, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  const now = Math.floor((await h.env.currentTimeMs()) / 1000);
  return request(app).post('/webhooks/stripe').set('Stripe-Signature', stripeSignature(payload, secret, now)).set('Content-Type', 'application/json').send(payload);
}

/** A fixture event about PaymentIntent `id`, under a new event id. */
function intentEvent(type: 'payment_intent.succeeded' | 'payment_intent.payment_failed', id: string, eventId: string): Stripe.Event {
  const event = stripeFixture(type);
  (event.data.object as { id: string }).id = id;
  return { ...event, id: eventId };
}

const attempts = (subscriptionId: string) => h.db.prisma.paymentAttempt.findMany({ where: { invoice: { subscriptionId } }, orderBy: { createdAt: 'asc' } });

test('a charge that needs the customer waits, and the success webhook activates the subscription once however often it comes', async () => {
  standIn.testMode.nextChargeWaits('requires_action');
  const created = await d.create({ id: 'st_sca', customer: newCustomer('st_sca'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect(created).toMatchObject({ status: 'incomplete', pendingPayment: { reason: 'action_required', chargeId: expect.stringMatching(/^pi_/) } });
  const intent = created.pendingPayment!.chargeId;
  expect(await d.emails('st_sca', 1)).toEqual(['payment_action_required']);

  standIn.testMode.finish(intent, 'succeeded');
  const first = await deliver(intentEvent('payment_intent.succeeded', intent, 'evt_sca_ok'));
  expect(first.body).toEqual({ received: true, matched: 1 });
  expect(await d.until('st_sca', (s) => s.status === 'active', 'active')).toMatchObject({ pendingPayment: null, latestInvoice: { status: 'paid' } });
  // Replayed, then an older failure arriving late: nothing changes.
  expect((await deliver(intentEvent('payment_intent.succeeded', intent, 'evt_sca_ok'))).body).toEqual({ received: true, duplicate: true });
  expect((await deliver(intentEvent('payment_intent.payment_failed', intent, 'evt_sca_late_failure'))).status).toBe(200);
  const after = await d.get('st_sca');
  expect(after).toMatchObject({ status: 'active', stats: { failedPayments: 0 } });
  expect((await attempts('st_sca')).map((a) => [a.outcome, a.gateway, a.gatewayChargeId])).toEqual([['succeeded', 'stripe', intent]]);
  expect(await d.emails('st_sca', 3)).toEqual(['payment_action_required', 'receipt', 'welcome']);
});

test('a failed authentication reported by webhook is a soft decline: the first payment waits for a working card', async () => {
  standIn.testMode.nextChargeWaits('requires_action');
  const created = await d.create({ id: 'st_sca_fail', customer: newCustomer('st_sca_fail'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const intent = created.pendingPayment!.chargeId;
  standIn.testMode.finish(intent, 'authentication_failed');
  await deliver(intentEvent('payment_intent.payment_failed', intent, 'evt_sca_failed'));
  const failed = await d.until('st_sca_fail', (s) => s.dunning !== null, 'declined');
  expect(failed).toMatchObject({ status: 'incomplete', pendingPayment: null, dunning: { attempts: 1, lastDeclineType: 'soft' } });
});

test('a charge whose answer was lost is found again by its idempotency key: one PaymentIntent, one charge', async () => {
  standIn.dropNextAnswers('POST', '/v1/payment_intents', 2);
  const created = await d.create({ id: 'st_lost', customer: newCustomer('st_lost'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect(created.status).toBe('active');
  const [attempt, ...others] = await attempts('st_lost');
  expect(others).toEqual([]);
  expect(standIn.chargesUnder(attempt!.idempotencyKey)).toEqual([attempt!.gatewayChargeId]);
});

test('a refund goes to Stripe by PaymentIntent with its credit note, and its webhook echo books nothing twice; a dispute is recorded', async () => {
  await d.create({ id: 'st_refund', customer: newCustomer('st_refund'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const [paid] = await attempts('st_refund');
  const dispute = stripeFixture('charge.dispute.created');
  Object.assign(dispute.data.object, { payment_intent: paid!.gatewayChargeId, id: 'du_end_to_end' });
  expect((await deliver({ ...dispute, id: 'evt_dispute_e2e' })).body).toEqual({ received: true, matched: 1 });
  await eventually(() => h.db.prisma.dispute.findUnique({ where: { id: 'du_end_to_end' } }), (row) => row !== null, 'dispute');

  expect((await d.post('/subscriptions/st_refund/cancel', { when: 'now', refund: 'prorated' })).status).toBe(200);
  const note = await eventually(() => h.db.prisma.creditNote.findFirst({ where: { invoice: { subscriptionId: 'st_refund' }, kind: 'refund' } }), (row) => row !== null, 'credit note');
  expect(note!.gatewayRefundId).toMatch(/^re_/);
  const refunded = stripeFixture('charge.refunded');
  Object.assign(refunded.data.object, { payment_intent: paid!.gatewayChargeId, amount_refunded: note!.amountCents });
  expect((await deliver({ ...refunded, id: 'evt_refund_echo' })).status).toBe(200);
  await h.env.client.workflow.getHandle('payment-event-evt_refund_echo').result();
  expect(await h.db.prisma.creditNote.count({ where: { invoice: { subscriptionId: 'st_refund' } } })).toBe(1);
});

test('a webhook with a bad signature is refused with 400 and changes nothing', async () => {
  standIn.testMode.nextChargeWaits('processing');
  const created = await d.create({ id: 'st_forged', customer: newCustomer('st_forged'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const intent = created.pendingPayment!.chargeId;
  standIn.testMode.finish(intent, 'succeeded');
  const forged = await deliver(intentEvent('payment_intent.succeeded', intent, 'evt_forged'), 'whsec_not_the_endpoints_secret_000');
  expect(forged.status).toBe(400);
  expect(await h.db.prisma.gatewayEvent.count({ where: { eventId: 'evt_forged' } })).toBe(0);
  expect(await d.get('st_forged')).toMatchObject({ status: 'incomplete', pendingPayment: { chargeId: intent } });
});
