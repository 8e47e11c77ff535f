// GET /customers/:id/entitlements through the API and the workflow (time skipping): what the
// projection grants after each change, and when the change takes effect.
import request from 'supertest';
import type { Harness } from '../support/harness';
import { eventually, retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
// A test's subscriptions would otherwise renew, and bill, each time a later test moves the clock.
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await h?.teardown();
});

interface Entitlements {
  customerId: string;
  features: string[];
  limits: Record<string, number>;
  asOf: string | null;
  version: number;
  subscriptions: Array<{ subscriptionId: string; planCode: string; status: string; features: string[]; limits: Record<string, number> }>;
}

const BASIC = { features: ['api'], limits: { seats: 3, storage_gb: 10 } };
const PRO = { features: ['api', 'priority-support', 'sso-lite'], limits: { seats: 10, storage_gb: 100 } };
const BUSINESS = { features: ['api', 'audit-log', 'priority-support', 'sso', 'sso-lite'], limits: { seats: 50, storage_gb: 1_000 } };
const NOTHING = { features: [], limits: {} };

const customer = (name: string) => ({ id: `cus_${name}`, email: `${name}@example.com`, name });

async function entitlements(customerId: string): Promise<Entitlements> {
  const res = await request(d.app).get(`/customers/${customerId}/entitlements`);
  if (res.status !== 200) throw new Error(`GET /customers/${customerId}/entitlements: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Entitlements;
}

/** The entitlements once the projection has caught up with `expected`. */
const grantedEventually = (customerId: string, expected: { features: string[]; limits: Record<string, number> }) =>
  eventually(
    () => entitlements(customerId),
    (e) => JSON.stringify([e.features, e.limits]) === JSON.stringify([expected.features, expected.limits]),
    `entitlements of ${customerId} to be ${JSON.stringify(expected)}`,
  );

/** The entitlements once the subscription's workflow has nothing left to do (so nothing more is coming). */
async function grantedAfterSettling(subscriptionId: string, customerId: string): Promise<Entitlements> {
  await d.get(subscriptionId);
  return entitlements(customerId);
}

test('a new subscription grants its plan\'s features and quotas, listed under it', async () => {
  await d.create({ id: 'ent_new', customer: customer('ent_new'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const granted = await grantedEventually('cus_ent_new', PRO);
  expect(granted).toEqual({
    customerId: 'cus_ent_new',
    ...PRO,
    asOf: expect.any(String),
    version: 1,
    subscriptions: [{ subscriptionId: 'ent_new', planCode: 'pro-monthly', status: 'active', ...PRO }],
  });
});

test('a trial grants what it tries', async () => {
  const created = await d.create({ id: 'ent_trial', customer: customer('ent_trial'), plan: 'business-monthly', paymentMethod: 'pm_card_visa' });
  expect(created.status).toBe('trialing');
  const granted = await grantedEventually('cus_ent_trial', BUSINESS);
  expect(granted.subscriptions).toEqual([expect.objectContaining({ subscriptionId: 'ent_trial', status: 'trialing' })]);
});

test('an unknown customer is 404; a customer whose first payment failed is entitled to nothing', async () => {
  const unknown = await request(d.app).get('/customers/cus_nobody/entitlements');
  expect(unknown.status).toBe(404);
  expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);

  const created = await d.create({ id: 'ent_unpaid', customer: customer('ent_unpaid'), plan: 'pro-monthly', paymentMethod: 'pm_card_insufficient_funds' });
  expect(created.status).toBe('incomplete');
  expect(await grantedAfterSettling('ent_unpaid', 'cus_ent_unpaid')).toEqual({ customerId: 'cus_ent_unpaid', ...NOTHING, asOf: null, version: 0, subscriptions: [] });
});

test('an upgrade now changes the entitlements at once', async () => {
  await d.create({ id: 'ent_up', customer: customer('ent_up'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  const before = await grantedEventually('cus_ent_up', BASIC);
  await d.advance(10 * DAY);

  const res = await d.post('/subscriptions/ent_up/plan', { plan: 'pro-monthly' });
  expect(res.body.timing).toBe('now');
  const after = await grantedEventually('cus_ent_up', PRO);
  expect(after.version).toBe(before.version + 1);
  expect(after.asOf).toBe(res.body.effectiveAt);
  expect(after.subscriptions).toEqual([expect.objectContaining({ planCode: 'pro-monthly' })]);
});

test('a downgrade scheduled for the period end leaves the entitlements alone until the period ends, then changes them', async () => {
  const created = await d.create({ id: 'ent_down', customer: customer('ent_down'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await grantedEventually('cus_ent_down', PRO);
  const scheduled = await d.post('/subscriptions/ent_down/plan', { plan: 'basic-monthly' });
  expect(scheduled.body).toMatchObject({ timing: 'period_end', effectiveAt: created.currentPeriod.end });

  await d.advance(20 * DAY);
  expect(await grantedAfterSettling('ent_down', 'cus_ent_down')).toMatchObject({ ...PRO, subscriptions: [expect.objectContaining({ planCode: 'pro-monthly' })] });

  await d.advanceTo(created.currentPeriod.end);
  await d.until('ent_down', (s) => s.periodIndex === 1 && s.plan.code === 'basic-monthly');
  const after = await grantedEventually('cus_ent_down', BASIC);
  expect(after.asOf).toBe(created.currentPeriod.end);
  expect(after.subscriptions).toEqual([expect.objectContaining({ planCode: 'basic-monthly' })]);
});

test('a recurring add-on raises its metric\'s limit and adds its features; removing it takes them back', async () => {
  await h.db.prisma.addOn.create({
    data: { code: 'audit-pack', name: 'Audit pack', kind: 'recurring', prices: { EUR: 1_000, NOK: 10_000 }, metric: null, unitsPerQuantity: 0, features: ['audit-log'] },
  });
  await d.create({ id: 'ent_seats', customer: customer('ent_seats'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await grantedEventually('cus_ent_seats', PRO);

  expect((await d.post('/subscriptions/ent_seats/add-ons', { code: 'extra-seat', quantity: 2 })).status).toBe(200);
  expect((await d.post('/subscriptions/ent_seats/add-ons', { code: 'extra-storage', quantity: 3 })).status).toBe(200);
  await grantedEventually('cus_ent_seats', { features: PRO.features, limits: { seats: 12, storage_gb: 400 } });

  expect((await d.post('/subscriptions/ent_seats/add-ons', { code: 'audit-pack', quantity: 1 })).status).toBe(200);
  await grantedEventually('cus_ent_seats', { features: ['api', 'audit-log', 'priority-support', 'sso-lite'], limits: { seats: 12, storage_gb: 400 } });

  expect((await request(d.app).delete('/subscriptions/ent_seats/add-ons/audit-pack')).status).toBe(200);
  expect((await request(d.app).delete('/subscriptions/ent_seats/add-ons/extra-seat')).status).toBe(200);
  await grantedEventually('cus_ent_seats', { features: PRO.features, limits: { seats: 10, storage_gb: 400 } });
});

test('a cancellation at period end keeps the entitlements until the period ends, then leaves nothing', async () => {
  const created = await d.create({ id: 'ent_cancel', customer: customer('ent_cancel'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await grantedEventually('cus_ent_cancel', PRO);
  expect((await d.post('/subscriptions/ent_cancel/cancel', { when: 'period_end' })).status).toBe(200);

  await d.advance(20 * DAY);
  expect(await grantedAfterSettling('ent_cancel', 'cus_ent_cancel')).toMatchObject(PRO);

  await d.advanceTo(created.currentPeriod.end);
  await d.until('ent_cancel', (s) => s.status === 'canceled');
  const after = await grantedEventually('cus_ent_cancel', NOTHING);
  expect(after).toMatchObject({ subscriptions: [], asOf: created.currentPeriod.end });
});

test("two subscriptions of one customer combine: features united, limits summed; one's end leaves the other's", async () => {
  const both = customer('ent_two');
  await d.create({ id: 'ent_two_a', customer: both, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'ent_two_b', customer: both, plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const combined = await grantedEventually('cus_ent_two', { features: PRO.features, limits: { seats: 13, storage_gb: 110 } });
  expect(combined.subscriptions.map((s) => [s.subscriptionId, s.planCode])).toEqual([
    ['ent_two_a', 'basic-monthly'],
    ['ent_two_b', 'pro-monthly'],
  ]);

  expect((await d.post('/subscriptions/ent_two_b/cancel', { when: 'now' })).status).toBe(200);
  const left = await grantedEventually('cus_ent_two', BASIC);
  expect(left.subscriptions.map((s) => s.subscriptionId)).toEqual(['ent_two_a']);
});
