import type { SubscriptionFacts, SubscriptionPayload } from '../../domain/webhooks';
import { endpointWants, offerEvents, subscriptionEvents, webhookBody } from '../../domain/webhooks';

const facts: SubscriptionFacts = {
  status: 'active',
  plan: 'pro-monthly',
  paymentMethod: 'pm_card_visa',
  currentPeriod: { start: '2030-01-01T00:00:00.000Z', end: '2030-02-01T00:00:00.000Z' },
  trialEnd: null,
  cancelAtPeriodEnd: false,
  canceledAt: null,
  endedAt: null,
};
const payload = (patch: Partial<SubscriptionFacts> = {}): SubscriptionPayload => ({
  ...facts,
  ...patch,
  id: 'sub_1',
  customerId: 'cus_1',
  price: { amountCents: 2900, currency: 'USD', interval: { unit: 'month', count: 1 } },
});
const at = '2030-01-15T00:00:00.000Z';

test('the first write of a subscription is subscription.created, keyed by the subscription', () => {
  expect(subscriptionEvents(null, payload({ status: 'incomplete' }), 1, at)).toEqual([
    { idempotencyKey: 'subscription.created:sub_1', type: 'subscription.created', subscriptionId: 'sub_1', createdAt: at, data: { subscription: payload({ status: 'incomplete' }) } },
  ]);
});

test('a change is subscription.updated, keyed by the state version, with the previous values of what changed', () => {
  const [event] = subscriptionEvents(facts, payload({ cancelAtPeriodEnd: true, plan: 'basic-monthly' }), 7, at);
  expect(event).toMatchObject({ idempotencyKey: 'subscription.updated:sub_1:7', type: 'subscription.updated' });
  expect(event!.data.previousAttributes).toEqual({ cancelAtPeriodEnd: false, plan: 'pro-monthly' });
});

test('a renewal (new period) is an update; a version that changed nothing visible sends nothing', () => {
  const next = { start: '2030-02-01T00:00:00.000Z', end: '2030-03-01T00:00:00.000Z' };
  expect(subscriptionEvents(facts, payload({ currentPeriod: next }), 8, at)[0]!.data.previousAttributes).toEqual({ currentPeriod: facts.currentPeriod });
  expect(subscriptionEvents(facts, payload(), 9, at)).toEqual([]);
});

test('becoming canceled is subscription.canceled, once per subscription', () => {
  const [event] = subscriptionEvents(facts, payload({ status: 'canceled', canceledAt: at, endedAt: at }), 10, at);
  expect(event).toMatchObject({ idempotencyKey: 'subscription.canceled:sub_1', type: 'subscription.canceled', data: { previousAttributes: { status: 'active', canceledAt: null, endedAt: null } } });
});

test('an empty event list subscribes to everything; otherwise only the listed types', () => {
  expect(endpointWants([], 'offer.created')).toBe(true);
  expect(endpointWants(['invoice.paid'], 'invoice.paid')).toBe(true);
  expect(endpointWants(['invoice.paid'], 'invoice.created')).toBe(false);
});

test('offers send created when opened and accepted when accepted, nothing for other outcomes', () => {
  const offer = { id: 'OFR-sub_1-0001', subscriptionId: 'sub_1', ruleId: 'r', fromPlan: 'basic-monthly', toPlan: 'pro-monthly', percentOff: 20, discountPeriods: 3, currency: 'USD', mrrDeltaCents: 2000, createdAt: at, expiresAt: at, respondedAt: null };
  expect(offerEvents({ ...offer, status: 'open' }, at).map((e) => e.idempotencyKey)).toEqual(['offer.created:OFR-sub_1-0001']);
  expect(offerEvents({ ...offer, status: 'accepted' }, at).map((e) => e.idempotencyKey)).toEqual(['offer.accepted:OFR-sub_1-0001']);
  expect(offerEvents({ ...offer, status: 'declined' }, at)).toEqual([]);
  expect(offerEvents({ ...offer, status: 'expired' }, at)).toEqual([]);
});

test('the body is a stable envelope: id, type, createdAt, data, in that order', () => {
  expect(webhookBody({ data: { a: 1 }, createdAt: at, type: 'invoice.paid', id: 'evt_1' })).toBe(
    `{"id":"evt_1","type":"invoice.paid","createdAt":"${at}","data":{"a":1}}`,
  );
});
