// Revenue, churn and dunning reports: behind a key, and read from totals the projection keeps,
// which must always equal a full recomputation from the Subscription rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { rebuildSubscriptionTotals, readSubscriptionTotals, recomputeSubscriptionTotals } from '../../activities/subscription-totals';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, type Driver } from '../support/lifecycle';

let h: Harness;
let d: Driver;

const customer = (id: string) => ({ email: `${id}@example.com`, name: id });
const create = (id: string, plan: string, paymentMethod = 'pm_card_visa') => d.create({ id, customer: customer(id), plan, paymentMethod });

async function report(path: string) {
  const res = await request(d.app).get(path);
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

interface Revenue {
  currencies: Array<{ currency: string; mrrCents: number; payingSubscriptions: number; byStatus: Array<{ status: string; subscriptions: number; monthlyAmountCents: number }> }>;
}

/** Waits until the projection has written what the test expects, then checks the totals against a full scan. */
async function revenueOnceSettled(expected: Revenue): Promise<Revenue> {
  const revenue = await eventually(async () => (await report('/reports/revenue')) as unknown as Revenue, (body) => JSON.stringify(body.currencies) === JSON.stringify(expected.currencies), 'revenue report');
  expect(await readSubscriptionTotals(h.db.prisma)).toEqual(await recomputeSubscriptionTotals(h.db.prisma));
  return revenue;
}

beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

describe('access', () => {
  test.each(['/reports/revenue', '/reports/churn', '/reports/dunning'])('%s needs an API key', async (path) => {
    const res = await request(rawTestApp(h)).get(path);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const forged = await request(rawTestApp(h)).get(path).set('Authorization', `Bearer sek_000000000000_${'a'.repeat(43)}`);
    expect(forged.status).toBe(401);
  });

  test('a key with the read scope (the lowest there is) may read them', async () => {
    const { key } = await createTestApiKey(h, ['read']);
    for (const path of ['/reports/revenue', '/reports/churn?months=3', '/reports/dunning']) {
      expect((await request(rawTestApp(h)).get(path).set('Authorization', `Bearer ${key}`)).status).toBe(200);
    }
  });

  test('months is a whole number from 1 to 36', async () => {
    for (const months of ['0', '37', '1.5', 'all']) expect((await request(d.app).get(`/reports/churn?months=${months}`)).status).toBe(400);
  });
});

describe('after subscriptions are created, upgraded, canceled, renewed and dunned', () => {
  let churnMonth: string;

  beforeAll(async () => {
    await create('r_basic', 'basic-monthly');
    const up = await create('r_up', 'basic-monthly');
    await create('r_cancel', 'pro-monthly');
    await create('r_nok', 'pro-yearly-nok');
    await create('r_trial', 'business-monthly');
    await create('r_dun', 'pro-monthly');
    await create('r_late', 'basic-monthly');
    expect((await create('r_stolen', 'basic-monthly', 'pm_card_stolen')).status).toBe('incomplete');
    expect((await d.post('/subscriptions/r_up/plan', { plan: 'pro-monthly', when: 'now' })).status).toBe(200);
    expect((await d.post('/subscriptions/r_cancel/cancel', { when: 'now' })).status).toBe(200);
    for (const id of ['r_dun', 'r_late']) {
      expect((await d.post(`/subscriptions/${id}/payment-method`, { paymentMethod: 'pm_card_insufficient_funds' })).status).toBe(200);
    }
    await d.until('r_cancel', (s) => s.status === 'canceled');
    await d.until('r_up', (s) => s.plan.code === 'pro-monthly');
    const change = await eventually(() => h.db.prisma.statusChange.findFirst({ where: { subscriptionId: 'r_cancel', to: 'canceled' } }), (row) => row !== null, 'the cancellation');
    churnMonth = change!.at.toISOString().slice(0, 7);
    // Checked here, before the period ends: the trial is still a trial, nobody is past due.
    await revenueOnceSettled({
      currencies: [
        {
          currency: 'EUR',
          mrrCents: 900 + 2900 + 2900 + 900,
          payingSubscriptions: 4,
          byStatus: [
            { status: 'active', subscriptions: 4, monthlyAmountCents: 7600 },
            { status: 'canceled', subscriptions: 1, monthlyAmountCents: 2900 },
            { status: 'incomplete', subscriptions: 1, monthlyAmountCents: 900 },
            { status: 'trialing', subscriptions: 1, monthlyAmountCents: 9900 },
          ],
        },
        { currency: 'NOK', mrrCents: 24917, payingSubscriptions: 1, byStatus: [{ status: 'active', subscriptions: 1, monthlyAmountCents: 24917 }] },
      ],
    });

    // One period on: renewals paid, the trial converted, two renewals declined, then one card replaced.
    await d.advanceTo(new Date(new Date(up.currentPeriod.end).getTime() + 3_600_000).toISOString());
    await d.until('r_dun', (s) => s.status === 'past_due');
    await d.until('r_late', (s) => s.status === 'past_due');
    await d.until('r_trial', (s) => s.status === 'active');
    await d.until('r_stolen', (s) => s.status === 'incomplete_expired');
    expect((await d.post('/subscriptions/r_dun/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
    await d.until('r_dun', (s) => s.status === 'active');
  });

  test('revenue: MRR per currency counts active and past-due subscriptions at their monthly price, a yearly plan a twelfth', async () => {
    await revenueOnceSettled({
      currencies: [
        {
          currency: 'EUR',
          // r_basic, r_up (upgraded), r_dun (recovered), r_trial (converted); r_late past due.
          mrrCents: 900 + 2900 + 2900 + 9900 + 900,
          payingSubscriptions: 5,
          byStatus: [
            { status: 'active', subscriptions: 4, monthlyAmountCents: 16600 },
            { status: 'canceled', subscriptions: 1, monthlyAmountCents: 2900 },
            { status: 'incomplete_expired', subscriptions: 1, monthlyAmountCents: 900 },
            { status: 'past_due', subscriptions: 1, monthlyAmountCents: 900 },
          ],
        },
        // 299 000 øre a year / 12, rounded.
        { currency: 'NOK', mrrCents: 24917, payingSubscriptions: 1, byStatus: [{ status: 'active', subscriptions: 1, monthlyAmountCents: 24917 }] },
      ],
    });
  });

  test('churn: a paying subscription canceled, with the MRR it took, in the month it left', async () => {
    expect(await report('/reports/churn')).toMatchObject({ months: [{ month: churnMonth, currency: 'EUR', churned: 1, mrrLostCents: 2900 }] });
  });

  test('dunning: who is past due now, and per month how many entered dunning and how many recovered', async () => {
    const dunning = await report('/reports/dunning');
    expect(dunning.current).toEqual([{ currency: 'EUR', status: 'past_due', subscriptions: 1, monthlyAmountCents: 900 }]);
    expect(dunning.months).toEqual([
      expect.objectContaining({ currency: 'EUR', entered: 2, recovered: 1, recoveredMrrCents: 2900, unpaid: 0, lost: 0, lostMrrCents: 0 }),
    ]);
  });

  test('a rebuild from the Subscription rows repairs totals that drifted', async () => {
    await h.db.prisma.subscriptionTotal.updateMany({ where: { currency: 'EUR', status: 'active' }, data: { subscriptions: 99, monthlyAmountCents: 1n } });
    expect(await readSubscriptionTotals(h.db.prisma)).not.toEqual(await recomputeSubscriptionTotals(h.db.prisma));
    await rebuildSubscriptionTotals(h.db.prisma);
    expect(await readSubscriptionTotals(h.db.prisma)).toEqual(await recomputeSubscriptionTotals(h.db.prisma));
    expect((await report('/reports/revenue')).currencies).toEqual(expect.arrayContaining([expect.objectContaining({ currency: 'EUR', mrrCents: 17500 })]));
  });

  test("the migration's backfill gives existing rows the totals the projection would have kept", async () => {
    const { prisma } = h.db;
    const sql = readFileSync(join(__dirname, '../../prisma/migrations/20261203150200_subscription_totals/migration.sql'), 'utf8');
    const backfill = sql.slice(sql.indexOf('-- Backfill')).split(/;\s*$/m).map((statement) => statement.trim()).filter(Boolean);
    expect(backfill).toHaveLength(3);
    const kept = await readSubscriptionTotals(prisma);
    const flows = async () => (await prisma.statusFlow.findMany({ orderBy: [{ month: 'asc' }, { currency: 'asc' }, { from: 'asc' }, { to: 'asc' }] })).map(({ month, currency, from, to, changes }) => ({ month, currency, from, to, changes }));
    const keptFlows = await flows();
    // As before the migration: rows without their contribution, no totals.
    await prisma.subscription.updateMany({ data: { currency: null, monthlyAmountCents: null } });
    await prisma.subscriptionTotal.deleteMany();
    await prisma.statusFlow.deleteMany();
    for (const statement of backfill) await prisma.$executeRawUnsafe(statement);
    expect(await readSubscriptionTotals(prisma)).toEqual(kept);
    // The log prices a flow at the current plan, the projection at the plan of the moment (r_up was upgraded): the counts agree.
    expect(await flows()).toEqual(keptFlows);
  });
});
