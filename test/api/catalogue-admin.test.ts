// The catalogue as data through the API: products, plans, add-ons and coupons created, edited and
// archived with an admin key; lists paged and filtered; archived plans kept for their subscribers;
// coupon limits enforced where coupons are applied.
import type { Express } from 'express';
import request from 'supertest';
import type { SubscriptionView } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
/** Sends the harness's admin key. */
let admin: Express;
beforeAll(async () => {
  h = await startHarness();
  admin = testApp(h);
  d = driver(h, admin);
});
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await h?.teardown();
});

const post = (path: string, body: Record<string, unknown> = {}) => request(admin).post(path).send(body);
const patch = (path: string, body: Record<string, unknown>) => request(admin).patch(path).send(body);
const get = (path: string) => request(admin).get(path);

const teamPlan = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: 'Team monthly',
  product: 'team',
  tier: 4,
  interval: { unit: 'month', count: 1 },
  amountCents: 4_900,
  currency: 'EUR',
  quotas: { seats: 25 },
  ...extra,
});

async function ensureTeamProduct(): Promise<void> {
  if ((await get('/products/team')).status === 404) expect((await post('/products', { code: 'team', name: 'Team' })).status).toBe(201);
}

describe('products', () => {
  test('the seeded plans have their products, and a product is created, read, renamed, archived and brought back', async () => {
    const seeded = await get('/products?status=all');
    expect(seeded.body.data.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['basic', 'pro', 'business']));

    const created = await post('/products', { code: 'magazine', name: 'Magazine', description: 'Printed monthly' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/products/magazine');
    expect(created.body).toMatchObject({ code: 'magazine', name: 'Magazine', description: 'Printed monthly', active: true, archivedAt: null });

    expect((await patch('/products/magazine', { name: 'The Magazine' })).body).toMatchObject({ name: 'The Magazine', description: 'Printed monthly' });
    expect((await post('/products', { code: 'magazine', name: 'Again' })).status).toBe(409);

    const archived = await post('/products/magazine/archive');
    expect(archived.body).toMatchObject({ active: false, archivedAt: expect.any(String) });
    expect((await get('/products')).body.data.map((p: { code: string }) => p.code)).not.toContain('magazine');
    expect((await get('/products?status=archived')).body.data.map((p: { code: string }) => p.code)).toEqual(['magazine']);
    const refused = await post('/plans', teamPlan('magazine-monthly', { product: 'magazine' }));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('product magazine is archived: it takes no new plans');

    expect((await post('/products/magazine/unarchive')).body).toMatchObject({ active: true, archivedAt: null });
    expect((await get('/products/nothing-here')).status).toBe(404);
  });
});

describe('plans', () => {
  test('a plan is created in a product, edited in what subscribers did not buy, and its price is refused with the way to change it', async () => {
    await ensureTeamProduct();
    const created = await post('/plans', teamPlan('team-monthly', { trialDays: 7, taxCategory: 'reduced_low', taxInclusive: false }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 'team-monthly',
      product: 'team',
      interval: { unit: 'month', count: 1 },
      amountCents: 4_900,
      currency: 'EUR',
      trialDays: 7,
      quotas: { seats: 25 },
      tax: { category: 'reduced_low', inclusive: false },
      active: true,
    });
    expect((await post('/plans', teamPlan('team-monthly'))).status).toBe(409);
    const unknownProduct = await post('/plans', teamPlan('ghost-monthly', { product: 'ghost' }));
    expect([unknownProduct.status, unknownProduct.body.errors[0].field]).toEqual([400, 'product']);

    const edited = await patch('/plans/team-monthly', { name: 'Team monthly (2027)', quotas: { seats: 30 }, trialDays: 0, tier: 5 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Team monthly (2027)', quotas: { seats: 30 }, trialDays: 0, tier: 5, amountCents: 4_900 });

    const price = await patch('/plans/team-monthly', { amountCents: 5_900 });
    expect(price.status).toBe(400);
    expect(price.body.errors).toEqual([{ field: 'amountCents', message: 'a price changes with a new price version: POST /plans/:code/prices' }]);
    const fixed = await patch('/plans/team-monthly', { currency: 'NOK', interval: { unit: 'year', count: 1 } });
    expect(fixed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['currency', 'interval']);
    expect((await get('/plans/team-monthly')).body).toMatchObject({ amountCents: 4_900, currency: 'EUR', interval: { unit: 'month', count: 1 } });
  });

  test('an archived plan: no new subscription or plan change takes it, while a subscription already on it renews unchanged', async () => {
    await ensureTeamProduct();
    expect((await post('/plans', teamPlan('team-legacy'))).status).toBe(201);
    const before = await d.create({ id: 'legacy', customer: newCustomer('legacy'), plan: 'team-legacy', paymentMethod: 'pm_card_visa' });
    const basic = await d.create({ id: 'basic_one', customer: newCustomer('basic_one'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });

    expect((await post('/plans/team-legacy/archive')).body).toMatchObject({ active: false });
    expect((await get('/plans')).body.data.map((p: { code: string }) => p.code)).not.toContain('team-legacy');

    const subscribe = await post('/subscriptions', { id: 'late', customer: newCustomer('late'), plan: 'team-legacy', paymentMethod: 'pm_card_visa' });
    expect(subscribe.status).toBe(409);
    expect(subscribe.body.detail).toBe('plan team-legacy is archived: it is no longer offered to new subscriptions');
    expect(await h.db.prisma.subscription.count({ where: { id: 'late' } })).toBe(0);
    const change = await d.post(`/subscriptions/${basic.id}/plan`, { plan: 'team-legacy' });
    expect(change.status).toBe(409);
    expect(change.body.detail).toBe('plan team-legacy is archived: it is no longer offered as a plan change');

    await d.advanceTo(before.currentPeriod.end);
    const renewed = await d.until('legacy', (s) => s.periodIndex === before.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'legacy renewal');
    expect(renewed.plan).toMatchObject({ code: 'team-legacy', amountCents: 4_900 });
    expect(renewed.latestInvoice!.amountCents).toBe(4_900);
    expect(renewed.status).toBe('active');
  });
});

describe('add-ons', () => {
  test('recurring, one-time and metered add-ons are created, repriced and archived; an archived one is not sold', async () => {
    const recurring = await post('/add-ons', { code: 'priority-support', name: 'Priority support', kind: 'recurring', prices: { EUR: 1_500 }, metric: 'tickets', unitsPerQuantity: 5 });
    expect(recurring.status).toBe(201);
    expect(recurring.body).toMatchObject({ kind: 'recurring', prices: { EUR: 1_500 }, metric: 'tickets', unitsPerQuantity: 5, active: true });
    const once = await post('/add-ons', { code: 'setup-call', name: 'Setup call', kind: 'one_time', prices: { EUR: 9_900, NOK: 99_000 } });
    expect(once.body).toMatchObject({ kind: 'one_time', metric: null });
    const pricing = { model: 'per_unit', aggregation: 'sum', includedUnits: 100, tiers: [{ upTo: null, unitAmount: { EUR: '5' } }] };
    const metered = await post('/add-ons', { code: 'sms', name: 'SMS', kind: 'metered', metric: 'sms', pricing });
    expect(metered.body).toMatchObject({ kind: 'metered', metric: 'sms', prices: {} });
    const noMetric = await post('/add-ons', { code: 'sms-2', name: 'SMS', kind: 'metered', pricing });
    expect([noMetric.status, noMetric.body.errors[0].field]).toEqual([400, 'metric']);
    const noPricing = await post('/add-ons', { code: 'sms-3', name: 'SMS', kind: 'metered', metric: 'sms', prices: { EUR: 5 } });
    expect([noPricing.status, noPricing.body.errors.map((e: { field: string }) => e.field).sort()]).toEqual([400, ['prices', 'pricing']]);
    expect((await patch('/add-ons/priority-support', { pricing })).status).toBe(400);

    expect((await patch('/add-ons/priority-support', { prices: { EUR: 1_900, NOK: 19_000 } })).body.prices).toEqual({ EUR: 1_900, NOK: 19_000 });
    expect((await patch('/add-ons/priority-support', { kind: 'one_time' })).status).toBe(400);
    expect((await get('/add-ons?kind=metered')).body.data.map((a: { code: string }) => a.code)).toContain('sms');
    expect((await get('/add-ons?kind=metered')).body.data.every((a: { kind: string }) => a.kind === 'metered')).toBe(true);

    const s = await d.create({ id: 'support', customer: newCustomer('support'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    expect((await d.post(`/subscriptions/${s.id}/add-ons`, { code: 'priority-support', quantity: 1 })).status).toBe(200);
    // A metered add-on is held with quantity 1 and billed from its usage (test/lifecycle/metered-usage.test.ts).
    expect((await d.post(`/subscriptions/${s.id}/add-ons`, { code: 'sms', quantity: 2 })).status).toBe(409);
    expect((await d.post(`/subscriptions/${s.id}/add-ons`, { code: 'sms', quantity: 1 })).status).toBe(200);

    await post('/add-ons/setup-call/archive');
    const archived = await d.post(`/subscriptions/${s.id}/add-ons`, { code: 'setup-call', quantity: 1 });
    expect([archived.status, archived.body.detail]).toEqual([409, 'add-on setup-call is archived: it can no longer be bought']);
    await post('/add-ons/priority-support/archive');
    const kept = await d.get(s.id);
    expect(kept.addOns).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'priority-support', quantity: 1, unitAmountCents: 1_900 })]));
    expect((await request(admin).delete(`/subscriptions/${s.id}/add-ons/priority-support`)).status).toBe(200);
  });
});

describe('coupons', () => {
  const apply = (id: string, code: string) => d.post(`/subscriptions/${id}/coupon`, { code });
  const redemptionsOf = async (code: string) => (await h.db.prisma.coupon.findUniqueOrThrow({ where: { code } })).redemptions;
  const subscribe = (id: string, plan = 'pro-monthly'): Promise<SubscriptionView> => d.create({ id, customer: newCustomer(id), plan, paymentMethod: 'pm_card_visa' });

  test('a coupon is percent or amount off with a matching duration, and only its name and limits change', async () => {
    const percent = await post('/coupons', { code: 'SPRING25', name: '25% off for 3 months', percentOff: 25, duration: 'repeating', durationPeriods: 3 });
    expect(percent.status).toBe(201);
    expect(percent.body).toMatchObject({ percentOff: 25, amountOffCents: null, currency: null, durationPeriods: 3, maxRedemptions: null, redemptions: 0, redeemBy: null, appliesToPlans: [] });
    const amount = await post('/coupons', { code: 'TENOFF', name: '10 EUR off once', amountOffCents: 1_000, currency: 'EUR', duration: 'once' });
    expect(amount.body).toMatchObject({ amountOffCents: 1_000, currency: 'EUR', duration: 'once' });

    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ percentOff: 10, amountOffCents: 100, currency: 'EUR', duration: 'once' }, 'percentOff'],
      [{ amountOffCents: 100, duration: 'once' }, 'currency'],
      [{ percentOff: 10, duration: 'repeating' }, 'durationPeriods'],
      [{ percentOff: 10, duration: 'forever', durationPeriods: 2 }, 'durationPeriods'],
    ];
    for (const [body, field] of invalid) {
      const res = await post('/coupons', { code: 'BAD', name: 'Bad', ...body });
      expect([res.status, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
    }
    expect((await patch('/coupons/SPRING25', { percentOff: 50 })).status).toBe(400);
    expect((await patch('/coupons/SPRING25', { name: 'Spring', maxRedemptions: 10 })).body).toMatchObject({ name: 'Spring', maxRedemptions: 10, percentOff: 25 });
    expect((await post('/coupons/TENOFF/archive')).body).toMatchObject({ active: false });
  });

  test('maxRedemptions: the last redemption goes to one subscription, a refused application gives its redemption back, and the limit cannot go below what was redeemed', async () => {
    expect((await post('/coupons', { code: 'ONLYTWO', name: '5 EUR off', amountOffCents: 500, currency: 'EUR', duration: 'once', maxRedemptions: 2 })).status).toBe(201);
    const nok = await subscribe('limit_nok', 'pro-monthly-nok');
    const refused = await apply(nok.id, 'ONLYTWO');
    expect([refused.status, refused.body.detail]).toEqual([409, 'coupon ONLYTWO is for EUR subscriptions']);
    expect(await redemptionsOf('ONLYTWO')).toBe(0);

    const [a, b, c] = [await subscribe('limit_a'), await subscribe('limit_b'), await subscribe('limit_c')];
    const answers = await Promise.all([a, b, c].map((s) => apply(s.id, 'ONLYTWO')));
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 409]);
    expect(answers.find((res) => res.status === 409)!.body.detail).toBe('coupon ONLYTWO has been redeemed its 2 times');
    expect(await redemptionsOf('ONLYTWO')).toBe(2);
    expect((await get('/coupons/ONLYTWO')).body).toMatchObject({ maxRedemptions: 2, redemptions: 2 });

    const lower = await patch('/coupons/ONLYTWO', { maxRedemptions: 1 });
    expect([lower.status, lower.body.detail]).toEqual([409, 'coupon ONLYTWO has been redeemed 2 times: maxRedemptions cannot be lower']);
    // Whatever writes it, the table holds redemptions within the limit (the PATCH's answer to a race).
    await expect(h.db.prisma.coupon.update({ where: { code: 'ONLYTWO' }, data: { maxRedemptions: 1 } })).rejects.toThrow(/Coupon_redemptions_within_limit/);
    expect((await patch('/coupons/ONLYTWO', { maxRedemptions: 3 })).status).toBe(200);
    const third = answers.findIndex((res) => res.status === 409);
    expect((await apply([a, b, c][third]!.id, 'ONLYTWO')).status).toBe(200);
  });

  test('redeemBy: applied until then on the API clock, refused after it', async () => {
    const now = await h.env.currentTimeMs();
    const redeemBy = new Date(now + 5 * DAY).toISOString();
    expect((await post('/coupons', { code: 'SOON', name: '10% off', percentOff: 10, duration: 'once', redeemBy })).status).toBe(201);
    const early = await subscribe('early_bird');
    expect((await apply(early.id, 'SOON')).status).toBe(200);
    await d.advance(6 * DAY);
    const late = await subscribe('late_bird');
    const refused = await apply(late.id, 'SOON');
    expect([refused.status, refused.body.detail]).toEqual([409, `coupon SOON could be redeemed until ${redeemBy}`]);
    expect(await redemptionsOf('SOON')).toBe(1);
  });

  test('appliesToPlans: refused on other plans, applied on the named ones', async () => {
    expect((await post('/coupons', { code: 'PROONLY', name: '20% off Pro', percentOff: 20, duration: 'forever', appliesToPlans: ['pro-monthly', 'pro-yearly'] })).status).toBe(201);
    const typo = await post('/coupons', { code: 'TYPO', name: 'Typo', percentOff: 5, duration: 'once', appliesToPlans: ['pro-montly'] });
    expect([typo.status, typo.body.errors]).toEqual([400, [{ field: 'appliesToPlans', message: 'no plan has the code "pro-montly"' }]]);
    const basic = await subscribe('basic_coupon', 'basic-monthly');
    const refused = await apply(basic.id, 'PROONLY');
    expect([refused.status, refused.body.detail]).toEqual([409, 'coupon PROONLY applies to pro-monthly, pro-yearly only, not to basic-monthly']);
    const pro = await subscribe('pro_coupon');
    const applied = await apply(pro.id, 'PROONLY');
    expect(applied.status).toBe(200);
    expect(applied.body.discount).toMatchObject({ code: 'PROONLY', percentOff: 20 });
  });

  test('an archived coupon is not applied', async () => {
    await post('/coupons', { code: 'GONE', name: 'Gone', percentOff: 5, duration: 'once' });
    await post('/coupons/GONE/archive');
    const s = await subscribe('gone_coupon');
    const res = await apply(s.id, 'GONE');
    expect([res.status, res.body.errors[0].field]).toEqual([400, 'code']);
  });
});

describe('lists', () => {
  test('pages follow each other in creation order without gaps or repeats, and filter by status, prefix, product and currency', async () => {
    for (let i = 0; i < 25; i += 1) {
      const code = `PAGE${String(i).padStart(2, '0')}`;
      await post('/coupons', { code, name: `Page ${i}`, ...(i % 2 ? { percentOff: 10 } : { amountOffCents: 100, currency: i % 4 ? 'NOK' : 'EUR' }), duration: 'once' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/coupons?q=PAGE&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: { code: string }) => c.code));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `PAGE${String(i).padStart(2, '0')}`));

    const eur = await get('/coupons?q=PAGE&currency=EUR');
    expect(eur.body.data.map((c: { code: string }) => c.code)).toEqual(['PAGE00', 'PAGE04', 'PAGE08', 'PAGE12', 'PAGE16', 'PAGE20', 'PAGE24']);
    expect((await get('/coupons?q=page%201')).body.data.map((c: { code: string }) => c.code)).toEqual(['PAGE01', 'PAGE10', 'PAGE11', 'PAGE12', 'PAGE13', 'PAGE14', 'PAGE15', 'PAGE16', 'PAGE17', 'PAGE18', 'PAGE19']);
    await post('/coupons/PAGE03/archive');
    expect((await get('/coupons?q=PAGE&status=archived')).body.data.map((c: { code: string }) => c.code)).toEqual(['PAGE03']);
    expect((await get('/coupons?q=PAGE&status=all')).body.data).toHaveLength(25);
    expect((await get('/coupons?q=PAGE')).body.data).toHaveLength(24);

    const pro = await get('/plans?product=pro&currency=NOK');
    expect(pro.body.data.map((p: { code: string }) => p.code).sort()).toEqual(['pro-monthly-nok', 'pro-yearly-nok']);
    const badCursor = await get('/plans?cursor=bm90LWEtY3Vyc29y');
    expect([badCursor.status, badCursor.body.errors[0].field]).toEqual([400, 'cursor']);
    expect((await get('/plans?limit=101')).status).toBe(400);
  });
});

describe('scopes', () => {
  test('a read key lists and reads the catalogue, a write key cannot change it, an admin key can', async () => {
    const raw = rawTestApp(h);
    const read = (await createTestApiKey(h, ['read'])).key;
    const write = (await createTestApiKey(h, ['write'])).key;
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    expect((await request(raw).get('/products').set(as(read))).status).toBe(200);
    expect((await request(raw).get('/plans/pro-monthly').set(as(read))).status).toBe(200);
    const changes: Array<[string, string, Record<string, unknown>]> = [
      ['post', '/products', { code: 'nope', name: 'Nope' }],
      ['patch', '/plans/pro-monthly', { name: 'Nope' }],
      ['post', '/add-ons/extra-seat/archive', {}],
      ['post', '/coupons', { code: 'NOPE', name: 'Nope', percentOff: 1, duration: 'once' }],
    ];
    for (const key of [read, write]) {
      for (const [method, path, body] of changes) {
        const res = await request(raw)[method as 'post' | 'patch'](path).set(as(key)).send(body);
        expect([path, res.status, res.body.requiredScope]).toEqual([path, 403, 'admin']);
      }
    }
    expect(await h.db.prisma.product.count({ where: { code: 'nope' } })).toBe(0);
    expect((await get('/add-ons/extra-seat')).body.active).toBe(true);
  });
});

describe('PUT /offer-rules/:id', () => {
  const rule = (atLeast: number) => ({
    description: 'bounds',
    enabled: false,
    priority: 1,
    cooldownDays: 30,
    when: [{ fact: 'paidRenewals', atLeast }],
    offer: { target: { kind: 'next_tier' }, percentOff: 10, expiresInDays: 14, discountPeriods: 3 },
  });

  test('a bound no count can have (a fraction, a negative, a number the JSON column keeps as null) is a 400 that stores nothing; the list still reads', async () => {
    // Sent as raw JSON: Number.MAX_VALUE once reached the database as null and broke GET /offer-rules.
    const bodies = ['5e-324', '-4.042746315631836e+123', '1.7976931348623157e308'].map((n) => JSON.stringify(rule(0)).replace('"atLeast":0', `"atLeast":${n}`));
    for (const [index, body] of bodies.entries()) {
      const res = await request(admin).put(`/offer-rules/bounds-${index}`).set('content-type', 'application/json').send(body);
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, expect.stringMatching(/^when\.0/)]);
    }
    expect(await h.db.prisma.offerRule.count({ where: { id: { startsWith: 'bounds-' } } })).toBe(0);
    const list = await get('/offer-rules');
    expect(list.status).toBe(200);
    expect((await request(admin).put('/offer-rules/bounds-ok').send(rule(6))).status).toBe(200);
    expect((await get('/offer-rules')).body.data).toContainEqual(expect.objectContaining({ id: 'bounds-ok', when: [{ fact: 'paidRenewals', atLeast: 6 }] }));
    await h.db.prisma.offerRule.delete({ where: { id: 'bounds-ok' } });
  });

  test("an add-on whose stored prices a hand edit broke is the server's fault: 500, logged with the row named, not a 400 that blames the request", async () => {
    const unexpected: unknown[] = [];
    const app = testApp(h, undefined, { onUnexpectedError: (error) => unexpected.push(error) });
    const { prices } = await h.db.prisma.addOn.findUniqueOrThrow({ where: { code: 'welcome-kit' } });
    await h.db.prisma.addOn.update({ where: { code: 'welcome-kit' }, data: { prices: { EUR: 'free' } } });
    try {
      const res = await request(app).get('/add-ons/welcome-kit');
      expect([res.status, res.body.type]).toEqual([500, expect.stringContaining('internal-error')]);
      expect(String(unexpected[0])).toContain('stored add-on welcome-kit, prices is not valid: EUR:');
    } finally {
      await h.db.prisma.addOn.update({ where: { code: 'welcome-kit' }, data: { prices: prices as object } });
    }
    expect((await get('/add-ons/welcome-kit')).status).toBe(200);
  });

  test('a rule broken by a hand edit in the database is left out of GET /offer-rules, which still lists the others; a PUT repairs it', async () => {
    await h.db.prisma.offerRule.create({ data: { id: 'hand-edited', description: 'x', enabled: true, priority: 1, definition: { cooldownDays: 30, when: [{ fact: 'paidRenewals', atLeast: null }], offer: rule(1).offer } } });
    const list = await get('/offer-rules');
    expect(list.status).toBe(200);
    const ids = (list.body.data as Array<{ id: string }>).map((r) => r.id);
    expect(ids).not.toContain('hand-edited');
    expect(ids).toContain('loyal-basic-to-pro');
    expect((await request(admin).put('/offer-rules/hand-edited').send(rule(2))).status).toBe(200);
    expect(((await get('/offer-rules')).body.data as Array<{ id: string }>).map((r) => r.id)).toContain('hand-edited');
    await h.db.prisma.offerRule.delete({ where: { id: 'hand-edited' } });
  });
});
