// Webhooks end to end: the real worker emits events from its activities, delivery workflows post
// them to real HTTP receivers, and each one verifies with the documented snippet.
import request from 'supertest';
import { verifyWebhookSignature } from '../../infra/webhook-signature';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import type { Receiver, ReceivedWebhook } from './receiver';
import { startReceiver, subjectOf } from './receiver';

let h: Harness;
let d: Driver;
let all: Receiver;
let paidOnly: Receiver;
let secret: string;
let paidOnlySecret: string;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  [all, paidOnly] = await Promise.all([startReceiver(), startReceiver()]);
  secret = (await register({ url: all.url, description: 'everything' })).secret;
  paidOnlySecret = (await register({ url: paidOnly.url, events: ['invoice.paid'] })).secret;
});
afterAll(async () => {
  await h?.teardown();
  await Promise.all([all?.close(), paidOnly?.close()]);
});

async function register(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await request(d.app).post('/webhooks').send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

const of = (receiver: Receiver, id: string) => receiver.received.filter((hook) => subjectOf(hook.body) === id);
const types = (hooks: ReceivedWebhook[]) => hooks.map((hook) => hook.body.type).sort();

/** Waits until `receiver` got `expected` (sorted) types for subscription `id`. */
function arrived(receiver: Receiver, id: string, expected: string[]): Promise<ReceivedWebhook[]> {
  return eventually(async () => of(receiver, id), (hooks) => hooks.length >= expected.length, `${expected.join(', ')} for ${id}`).then((hooks) => {
    expect(types(hooks)).toEqual([...expected].sort());
    return hooks;
  });
}

function expectSigned(hook: ReceivedWebhook, signingSecret: string): void {
  expect(verifyWebhookSignature(signingSecret, hook.headers['webhook-signature'] as string, hook.rawBody)).toBe(true);
  expect(hook.headers['webhook-id']).toBe(hook.body.id);
  expect(hook.headers['webhook-event']).toBe(hook.body.type);
  expect(hook.headers['content-type']).toBe('application/json');
}

test('a subscription opened, paid and canceled arrives as signed events, each once, and the log shows them delivered', async () => {
  const created = await d.create({ id: 'wh_life', customer: newCustomer('wh_life'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const opened = await arrived(all, 'wh_life', ['subscription.created', 'invoice.created', 'invoice.paid', 'subscription.updated']);
  expect((await d.post('/subscriptions/wh_life/cancel', { when: 'now' })).status).toBe(200);
  const canceled = await arrived(all, 'wh_life', [...types(opened), 'subscription.canceled']);

  for (const hook of canceled) expectSigned(hook, secret);
  expect(new Set(canceled.map((hook) => hook.body.id)).size).toBe(canceled.length);
  const byType = Object.fromEntries(canceled.map((hook) => [hook.body.type, hook.body]));
  const invoice = created.latestInvoice!;
  expect(byType['invoice.paid']!.data.invoice).toMatchObject({
    reference: invoice.number,
    status: 'paid',
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    lines: [expect.objectContaining({ kind: 'subscription', amountCents: invoice.amountCents })],
  });
  expect(byType['invoice.created']!.data.invoice).toMatchObject({ reference: invoice.number, status: 'open', paidAt: null });
  expect(byType['subscription.created']!.data.subscription).toMatchObject({ id: 'wh_life', status: 'incomplete', plan: 'pro-monthly' });
  expect(byType['subscription.updated']!.data).toMatchObject({
    subscription: { status: 'active', currentPeriod: created.currentPeriod, cancelAtPeriodEnd: false },
    previousAttributes: { status: 'incomplete' },
  });
  expect(byType['subscription.canceled']!.data).toMatchObject({ subscription: { status: 'canceled' }, previousAttributes: { status: 'active' } });
  // The envelope's time is the business time of the fact.
  expect(byType['invoice.paid']!.createdAt).toBe(invoice.paidAt);

  const endpointId = (await request(d.app).get('/webhooks')).body.data.find((e: { url: string }) => e.url === all.url).id as string;
  const log = await eventually(
    async () => (await request(d.app).get(`/webhooks/${endpointId}/deliveries?limit=100`)).body.data as Record<string, unknown>[],
    (rows) => rows.filter((row) => row.subscriptionId === 'wh_life' && row.status === 'delivered').length === canceled.length,
    'the delivery log to show every delivery delivered',
  );
  for (const row of log.filter((r) => r.subscriptionId === 'wh_life')) {
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
  }
});

test('a declined renewal sends invoice.payment_failed with the decline, and subscription.updated to past_due', async () => {
  const created = await d.create({ id: 'wh_declined', customer: newCustomer('wh_declined'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/wh_declined/payment-method', { paymentMethod: 'pm_card_insufficient_funds' })).status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  await d.until('wh_declined', (s) => s.status === 'past_due');
  const hooks = await eventually(
    async () => of(all, 'wh_declined'),
    (received) => received.some((hook) => hook.body.type === 'invoice.payment_failed') && received.some((hook) => hook.body.data.subscription?.status === 'past_due'),
    'the failed renewal events',
  );
  const failed = hooks.filter((hook) => hook.body.type === 'invoice.payment_failed');
  expect(failed).toHaveLength(1);
  expectSigned(failed[0]!, secret);
  expect(failed[0]!.body.data).toMatchObject({
    invoice: { status: 'open', billingReason: 'subscription_cycle', periodStart: created.currentPeriod.end },
    payment: { attempt: 1, declineCode: 'insufficient_funds', declineType: 'soft' },
  });
  const pastDue = hooks.find((hook) => hook.body.data.subscription?.status === 'past_due')!;
  expect(pastDue.body).toMatchObject({ type: 'subscription.updated', data: { previousAttributes: { status: 'active' } } });
});

test('an endpoint subscribed to invoice.paid receives only invoice.paid, signed with its own secret', async () => {
  await d.create({ id: 'wh_filter', customer: newCustomer('wh_filter'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await arrived(all, 'wh_filter', ['subscription.created', 'invoice.created', 'invoice.paid', 'subscription.updated']);
  const [paid] = await arrived(paidOnly, 'wh_filter', ['invoice.paid']);
  expectSigned(paid!, paidOnlySecret);
  expect(verifyWebhookSignature(secret, paid!.headers['webhook-signature'] as string, paid!.rawBody)).toBe(false);
  const recorded = await h.db.prisma.webhookDelivery.findMany({ where: { endpoint: { url: paidOnly.url }, event: { subscriptionId: 'wh_filter' } }, include: { event: true } });
  expect(recorded.map((delivery) => delivery.event.type)).toEqual(['invoice.paid']);
  // The same event (one id) went to both endpoints.
  expect(of(all, 'wh_filter').find((hook) => hook.body.type === 'invoice.paid')!.body.id).toBe(paid!.body.id);
});

test('an upsell offer sends offer.created, and offer.accepted when the customer accepts', async () => {
  const created = await d.create({ id: 'wh_offer', customer: newCustomer('wh_offer'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/wh_offer/usage', { metric: 'seats', quantity: 3 })).status).toBe(202);
  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('wh_offer', (s) => s.offer !== null, 'an offer');
  const offerId = renewed.offer!.id;
  const [offered] = await eventually(
    async () => of(all, 'wh_offer').filter((hook) => hook.body.type === 'offer.created'),
    (hooks) => hooks.length === 1,
    'offer.created',
  );
  expect(offered!.body.data.offer).toMatchObject({ id: offerId, fromPlan: 'basic-monthly', toPlan: 'pro-monthly', percentOff: 20, status: 'open' });

  expect((await d.post(`/subscriptions/wh_offer/offers/${offerId}/accept`)).status).toBe(200);
  const [accepted] = await eventually(
    async () => of(all, 'wh_offer').filter((hook) => hook.body.type === 'offer.accepted'),
    (hooks) => hooks.length === 1,
    'offer.accepted',
  );
  expectSigned(accepted!, secret);
  expect(accepted!.body.data.offer).toMatchObject({ id: offerId, toPlan: 'pro-monthly', status: 'accepted' });
  const upgrade = await eventually(
    async () => of(all, 'wh_offer').find((hook) => hook.body.type === 'subscription.updated' && hook.body.data.subscription?.plan === 'pro-monthly'),
    Boolean,
    'subscription.updated to pro-monthly',
  );
  expect(upgrade!.body.data.previousAttributes).toMatchObject({ plan: 'basic-monthly' });
});
