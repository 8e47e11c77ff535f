// Price versions through the API and the workflow on the time-skipping server: a price change is
// the plan's next version; existing subscribers keep the version they bought, new ones and plan
// changes take the current one, and a plan migration with `toVersion` moves the others.
import request from 'supertest';
import { prefixOf } from '../../api/auth-keys';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import { Browser, signIn, textOf } from '../support/portal';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

const setPrice = (code: string, body: unknown) => request(d.app).post(`/plans/${code}/prices`).send(body as object);
const history = (code: string, query: Record<string, string | number> = {}) => request(d.app).get(`/plans/${code}/prices`).query(query);
const subscribe = (id: string, plan: string) => d.create({ id, customer: newCustomer(id), plan, paymentMethod: 'pm_card_visa' });

interface MigrationView {
  id: string;
  status: string;
  total: number;
  scheduled: number;
  skipped: number;
  failed: number;
  items: { data: Array<{ subscriptionId: string; outcome: string; reason: string | null }> };
}

async function finished(id: string): Promise<MigrationView> {
  return eventually(
    async () => (await request(d.app).get(`/plans/migrations/${id}`)).body as MigrationView,
    (m) => m.status !== 'running',
    `plan migration ${id} to finish`,
  );
}

describe('a price change leaves existing subscribers on their version until a migration moves them', () => {
  let periodEnd = '';

  beforeAll(async () => {
    const a = await subscribe('pv_a', 'pro-monthly');
    expect(a).toMatchObject({ status: 'active', plan: { code: 'pro-monthly', amountCents: 2900, priceVersion: 1 }, latestInvoice: { amountCents: 2900 } });
    periodEnd = a.currentPeriod.end;
    await subscribe('pv_c', 'basic-monthly');
  });

  test("the new price is the plan's version 2 and its price from now on, set by the key that asked", async () => {
    const res = await setPrice('pro-monthly', { amountCents: 3400 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ plan: 'pro-monthly', version: 2, amountCents: 3400, currency: 'EUR', current: true, createdAt: expect.any(String), createdBy: prefixOf(h.adminKey) });
    const plans = (await request(d.app).get('/plans')).body.data as Array<{ code: string }>;
    expect(plans.find((plan) => plan.code === 'pro-monthly')).toMatchObject({ amountCents: 3400, priceVersion: 2 });
    expect(await h.db.prisma.plan.findUnique({ where: { code: 'pro-monthly' } })).toMatchObject({ amountCents: 3400, priceVersion: 2 });
  });

  test('a new subscriber pays version 2, and a plan change takes version 2', async () => {
    const b = await subscribe('pv_b', 'pro-monthly');
    expect(b).toMatchObject({ plan: { code: 'pro-monthly', amountCents: 3400, priceVersion: 2 }, latestInvoice: { amountCents: 3400, status: 'paid' } });
    const changed = await d.post('/subscriptions/pv_c/plan', { plan: 'pro-monthly', when: 'now' });
    expect(changed.status).toBe(200);
    expect(changed.body.subscription.plan).toMatchObject({ code: 'pro-monthly', amountCents: 3400, priceVersion: 2 });
  });

  test('the existing subscriber still shows version 1 and renews at its price', async () => {
    expect((await d.get('pv_a')).plan).toMatchObject({ amountCents: 2900, priceVersion: 1 });
    await d.advanceTo(periodEnd);
    const renewed = await d.until('pv_a', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    expect(renewed).toMatchObject({ plan: { amountCents: 2900, priceVersion: 1 }, latestInvoice: { amountCents: 2900, billingReason: 'subscription_cycle' } });
    const b = await d.until('pv_b', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    expect(b.latestInvoice).toMatchObject({ amountCents: 3400 });
  });

  test('the history lists the versions newest first, with the live subscribers on each', async () => {
    const res = await history('pro-monthly');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plan: 'pro-monthly',
      currentVersion: 2,
      subscribersWithoutVersion: 0,
      data: [
        { version: 2, amountCents: 3400, currency: 'EUR', current: true, createdAt: expect.any(String), createdBy: prefixOf(h.adminKey), subscribers: 2 },
        { version: 1, amountCents: 2900, currency: 'EUR', current: false, createdAt: expect.any(String), createdBy: null, subscribers: 1 },
      ],
      nextCursor: null,
    });
    const row = await h.db.prisma.subscription.findUnique({ where: { id: 'pv_a' } });
    expect(row?.planPriceVersion).toBe(1);
    expect((await request(d.app).get('/subscriptions').query({ plan: 'pro-monthly' })).body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'pv_a', planPriceVersion: 1 }), expect.objectContaining({ id: 'pv_b', planPriceVersion: 2 })]),
    );
  });

  test('a migration to version 2 moves the subscriber on version 1 at its next renewal; the others are already there', async () => {
    const started = await request(d.app).post('/plans/pro-monthly/migrations').send({ toVersion: 2 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ fromPlan: 'pro-monthly', toPlan: 'pro-monthly', toVersion: 2, status: 'running' });
    const migration = await finished(started.body.id);
    expect(migration).toMatchObject({ status: 'completed', total: 3, scheduled: 1, skipped: 2, failed: 0 });
    expect(Object.fromEntries(migration.items.data.map((i) => [i.subscriptionId, [i.outcome, i.reason]]))).toEqual({
      pv_a: ['scheduled', null],
      pv_b: ['skipped', 'already on price version 2'],
      pv_c: ['skipped', 'already on price version 2'],
    });

    const scheduled = await d.get('pv_a');
    expect(scheduled).toMatchObject({ plan: { priceVersion: 1 }, scheduledChange: { plan: { code: 'pro-monthly', amountCents: 3400, priceVersion: 2 } } });
    // The customer's portal says the price changes, not the plan.
    const browser = new Browser(rawTestApp(h));
    await signIn(h, browser, 'pv_a@example.com');
    const overview = textOf((await browser.get('/portal')).text);
    expect(overview).toContain('The price changes to €34.00 on');
    expect(overview).not.toContain('Changes to Pro monthly');
    await d.advanceTo(scheduled.currentPeriod.end);
    const moved = await d.until('pv_a', (s) => s.periodIndex === 2 && s.latestInvoice?.status === 'paid');
    expect(moved).toMatchObject({ plan: { code: 'pro-monthly', amountCents: 3400, priceVersion: 2 }, scheduledChange: null, latestInvoice: { amountCents: 3400 } });
    const invoice = await request(d.app).get(`/invoices/${moved.latestInvoice!.number}`);
    expect(invoice.body.lines).toEqual([expect.objectContaining({ kind: 'subscription', amountCents: 3400 })]);
    expect(await d.emails('pv_a', 4)).toContain('plan_changed');

    const counts = await eventually(
      async () => (await history('pro-monthly')).body as { data: Array<{ version: number; subscribers: number }> },
      (body) => body.data.find((v) => v.version === 1)?.subscribers === 0,
      'the projection of pv_a on version 2',
    );
    expect(counts.data.map((v) => [v.version, v.subscribers])).toEqual([
      [2, 3],
      [1, 0],
    ]);
  });
});

describe('concurrent price changes', () => {
  test('each gets its own version number; the plan ends on the last one', async () => {
    const amounts = [11_000, 12_000, 13_000, 14_000, 15_000];
    const answers = await Promise.all(amounts.map((amountCents) => setPrice('basic-yearly', { amountCents })));
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.map((res) => res.body.version as number).sort()).toEqual([2, 3, 4, 5, 6]);
    const last = answers.find((res) => res.body.version === 6)!.body as { amountCents: number };
    expect(await h.db.prisma.plan.findUnique({ where: { code: 'basic-yearly' } })).toMatchObject({ priceVersion: 6, amountCents: last.amountCents });
  });

  test('a retried change with the same Idempotency-Key adds one version and answers the same', async () => {
    const send = () => request(d.app).post('/plans/pro-yearly-nok/prices').set('idempotency-key', 'price-pro-yearly-nok-1').send({ amountCents: 350_000 });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await h.db.prisma.planPriceVersion.count({ where: { planCode: 'pro-yearly-nok' } })).toBe(2);
  });

  test('the history pages newest first', async () => {
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const res = await history('basic-yearly', { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push((res.body.data as Array<{ version: number }>).map((v) => v.version));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(pages).toEqual([
      [6, 5],
      [4, 3],
      [2, 1],
    ]);
    expect((await history('basic-yearly', { cursor: 'bm9wZQ' })).status).toBe(400);
  });
});

describe('refused price changes', () => {
  test.each([
    ['no amount', {}],
    ['a zero amount', { amountCents: 0 }],
    ['a negative amount', { amountCents: -100 }],
    ['a fraction of a cent', { amountCents: 12.5 }],
    ['an amount as text', { amountCents: '3400' }],
    ['an amount above the maximum', { amountCents: 100_000_001 }],
    ['an unknown field', { amountCents: 3400, currency: 'USD' }],
  ])('%s is a 400 problem and adds no version', async (_what, body) => {
    const res = await setPrice('business-monthly', body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await h.db.prisma.planPriceVersion.count({ where: { planCode: 'business-monthly' } })).toBe(1);
  });

  test('an unknown plan is a 404 problem, to change and to read', async () => {
    expect((await setPrice('platinum-monthly', { amountCents: 100 })).status).toBe(404);
    expect((await history('platinum-monthly')).status).toBe(404);
  });

  test('an archived plan, or the price it already has, is a conflict', async () => {
    await h.db.prisma.plan.update({ where: { code: 'business-yearly-nok' }, data: { active: false } });
    const archived = await setPrice('business-yearly-nok', { amountCents: 1_000_000 });
    expect(archived.status).toBe(409);
    expect(archived.body.detail).toBe('plan business-yearly-nok is archived; its price cannot change');
    const same = await setPrice('business-monthly', { amountCents: 9_900 });
    expect(same.status).toBe(409);
    expect(same.body.detail).toBe('plan business-monthly already costs 9900 (price version 1)');
  });

  test('changing needs the admin scope, reading the read scope; the change is in the audit log', async () => {
    const app = rawTestApp(h);
    const write = await createTestApiKey(h, ['write']);
    const read = await createTestApiKey(h, ['read']);
    const refused = await request(app).post('/plans/pro-yearly/prices').set('authorization', `Bearer ${write.key}`).send({ amountCents: 30_000 });
    expect([refused.status, refused.body.requiredScope]).toEqual([403, 'admin']);
    expect((await request(app).get('/plans/pro-yearly/prices').set('authorization', `Bearer ${read.key}`)).status).toBe(200);

    expect((await setPrice('pro-yearly', { amountCents: 30_000 })).status).toBe(201);
    const audited = await eventually(
      () => h.db.prisma.auditEvent.findMany({ where: { path: '/plans/pro-yearly/prices', method: 'POST' }, orderBy: { at: 'asc' } }),
      (events) => events.length === 2,
      'the audit entries of both requests',
    );
    expect(audited.map((e) => [e.actor, e.outcome])).toEqual([
      [write.prefix, 403],
      [prefixOf(h.adminKey), 201],
    ]);
  });

  test.each([
    ['a price version the plan does not have', { toVersion: 9 }, 'toVersion'],
    ['the same plan without a price version', { toPlan: 'basic-monthly' }, 'toPlan'],
    ['no target at all', {}, 'toPlan'],
    ['a price version beyond what the version column holds (was a 500)', { toVersion: 91_043_547_951_182 }, 'toVersion'],
  ])('a migration to %s is a 400 problem and starts nothing', async (_what, body, field) => {
    const before = await h.db.prisma.planMigration.count();
    const res = await request(d.app).post('/plans/basic-monthly/migrations').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await h.db.prisma.planMigration.count()).toBe(before);
  });
});
