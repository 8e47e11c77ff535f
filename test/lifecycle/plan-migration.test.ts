// Bulk plan migrations on the time-skipping server, whose lack of visibility queries the listing
// covers by reading each open workflow's PlanCode (activities/subscription-listing.ts); the
// visibility query itself runs on a real dev server in plan-migration-visibility.test.ts.
import request from 'supertest';
import { startPlanMigration } from '../../api/services/plan-migrations';
import { planMigrationWorkflowId } from '../../domain/plan-migration';
import { environmentApiDeps } from '../../simulator/environment';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { PlanMigrationWorkflow } from '../../workflows/contract';
import { WORKFLOW_TYPES } from '../../workflows/contract';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

interface MigrationView {
  id: string;
  status: string;
  total: number;
  scheduled: number;
  skipped: number;
  failed: number;
  pending: number;
  items: { data: Array<{ subscriptionId: string; outcome: string; reason: string | null }>; nextCursor: string | null };
}

const migrate = (from: string, body: Record<string, unknown>) => request(d.app).post(`/plans/${from}/migrations`).send(body);

async function finished(id: string): Promise<MigrationView> {
  return eventually(
    async () => (await request(d.app).get(`/plans/migrations/${id}`)).body as MigrationView,
    (m) => m.status !== 'running',
    `plan migration ${id} to finish`,
  );
}

const outcomes = (m: MigrationView) => Object.fromEntries(m.items.data.map((i) => [i.subscriptionId, [i.outcome, i.reason]]));

describe('moving every subscription on a plan at its next renewal', () => {
  const basic = (id: string, paymentMethod = 'pm_card_visa') => d.create({ id, customer: newCustomer(id), plan: 'basic-monthly', paymentMethod });
  let periodEnd = '';
  let first: MigrationView;

  beforeAll(async () => {
    for (const id of ['mig_1', 'mig_2', 'mig_3', 'mig_grandpa', 'mig_listed', 'mig_leaving', 'mig_own', 'mig_gone']) {
      periodEnd = (await basic(id)).currentPeriod.end;
    }
    await basic('mig_unpaid', 'pm_card_declined');
    await d.create({ id: 'mig_pro', customer: newCustomer('mig_pro'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    expect((await request(d.app).put('/subscriptions/mig_grandpa/grandfathered').send({ grandfathered: true })).status).toBe(200);
    expect((await d.post('/subscriptions/mig_leaving/cancel', { when: 'period_end' })).status).toBe(200);
    expect((await d.post('/subscriptions/mig_own/plan', { plan: 'basic-yearly', when: 'period_end' })).status).toBe(200);
    expect((await d.post('/subscriptions/mig_gone/cancel', { when: 'now' })).status).toBe(200);
    expect(await d.closed('mig_gone')).toBe('COMPLETED');

    const res = await migrate('basic-monthly', { toPlan: 'pro-monthly', excludeSubscriptionIds: ['mig_listed'] });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/plans/migrations/${res.body.id}`);
    expect(res.body).toMatchObject({ fromPlan: 'basic-monthly', toPlan: 'pro-monthly', excludeGrandfathered: true, excludeSubscriptionIds: ['mig_listed'], status: 'running' });
    first = await finished(res.body.id);
  });

  test('reports counts and a reason for every subscription it did not move', () => {
    expect(first).toMatchObject({ status: 'completed', total: 8, scheduled: 3, skipped: 4, failed: 1, pending: 0 });
    expect(outcomes(first)).toEqual({
      mig_1: ['scheduled', null],
      mig_2: ['scheduled', null],
      mig_3: ['scheduled', null],
      mig_grandpa: ['skipped', 'grandfathered'],
      mig_listed: ['skipped', 'excluded by the request'],
      mig_leaving: ['skipped', 'the subscription cancels at period end'],
      mig_own: ['skipped', 'a change to basic-yearly is already scheduled'],
      mig_unpaid: ['failed', 'a subscription that is incomplete cannot change plan'],
    });
  });

  test('each subscription shows the change scheduled for its period end; the others are unchanged', async () => {
    for (const id of ['mig_1', 'mig_2', 'mig_3']) {
      const view = await d.get(id);
      expect(view).toMatchObject({ status: 'active', plan: { code: 'basic-monthly' }, scheduledChange: { plan: { code: 'pro-monthly', amountCents: 2900 } } });
    }
    expect((await d.get('mig_grandpa')).scheduledChange).toBeNull();
    expect((await d.get('mig_unpaid')).scheduledChange).toBeNull();
    expect((await d.get('mig_own')).scheduledChange?.plan.code).toBe('basic-yearly');
    expect((await d.get('mig_pro')).scheduledChange).toBeNull();
  });

  test('at the next renewal the moved subscriptions are invoiced on the new plan', async () => {
    await d.advanceTo(periodEnd);
    for (const id of ['mig_1', 'mig_2', 'mig_3']) {
      const renewed = await d.until(id, (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
      expect(renewed).toMatchObject({ plan: { code: 'pro-monthly' }, scheduledChange: null, latestInvoice: { amountCents: 2900, billingReason: 'subscription_cycle' } });
      const invoice = await request(d.app).get(`/invoices/${renewed.latestInvoice!.number}`);
      expect(invoice.body.lines).toEqual([expect.objectContaining({ kind: 'subscription', amountCents: 2900, description: expect.stringContaining('Pro monthly') })]);
    }
    for (const id of ['mig_grandpa', 'mig_listed']) {
      const renewed = await d.until(id, (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
      expect(renewed).toMatchObject({ plan: { code: 'basic-monthly' }, latestInvoice: { amountCents: 900 } });
    }
    expect((await d.get('mig_leaving')).status).toBe('canceled');
    expect((await d.get('mig_own')).plan.code).toBe('basic-yearly');
    const rows = await h.db.prisma.subscription.findMany({ where: { id: { in: ['mig_1', 'mig_2', 'mig_3'] } } });
    expect(rows.map((row) => row.planCode)).toEqual(['pro-monthly', 'pro-monthly', 'pro-monthly']);
  });

  test('without excludeGrandfathered the grandfathered move too, across pages and continue-as-new', async () => {
    // The service directly, with one subscription per page and a new run every two steps.
    const started = await startPlanMigration(environmentApiDeps(h), 'basic-monthly', { toPlan: 'pro-monthly', excludeGrandfathered: false, excludeSubscriptionIds: [] }, { pageSize: 1, stepsPerRun: 2 });
    const second = await finished(started.id);
    expect(second).toMatchObject({ status: 'completed', total: 2, scheduled: 2, skipped: 0, failed: 0 });
    expect(outcomes(second)).toEqual({ mig_grandpa: ['scheduled', null], mig_listed: ['scheduled', null] });
    expect((await d.get('mig_grandpa')).scheduledChange?.plan.code).toBe('pro-monthly');

    const history = await h.env.client.workflow.getHandle(`plan-migration-${started.id}`).fetchHistory();
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  });
});

describe('refused migrations', () => {
  test.each([
    ['an unknown plan to migrate from', 'platinum-monthly', { toPlan: 'pro-monthly' }, 404, ''],
    ['an unknown target plan', 'basic-monthly', { toPlan: 'platinum-monthly' }, 400, 'toPlan'],
    ['the same plan', 'basic-monthly', { toPlan: 'basic-monthly' }, 400, 'toPlan'],
    ['a target in another currency', 'basic-monthly', { toPlan: 'pro-monthly-nok' }, 409, ''],
    ['excluded ids that are not a list', 'basic-monthly', { toPlan: 'pro-monthly', excludeSubscriptionIds: 'mig_1' }, 400, 'excludeSubscriptionIds'],
    ['an unknown field', 'basic-monthly', { toPlan: 'pro-monthly', dryRun: true }, 400, ''],
  ])('%s is a problem and starts nothing', async (_what, from, body, status, field) => {
    const before = await h.db.prisma.planMigration.count();
    const res = await migrate(from, body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (field) expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await h.db.prisma.planMigration.count()).toBe(before);
  });

  test('a target that is no longer offered is a conflict', async () => {
    await h.db.prisma.plan.update({ where: { code: 'business-yearly' }, data: { active: false } });
    const res = await migrate('business-monthly', { toPlan: 'business-yearly' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('plan business-yearly is no longer offered');
  });

  test('a second migration from a plan while one runs is a conflict naming the running one', async () => {
    await h.db.prisma.planMigration.create({ data: { id: 'pmg_00000000000000aa', fromPlanCode: 'business-monthly', toPlanCode: 'pro-monthly' } });
    const res = await migrate('business-monthly', { toPlan: 'pro-monthly' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ migrationId: 'pmg_00000000000000aa' });
  });

  test('a migration whose target plan disappeared ends as failed, and says so', async () => {
    await h.db.prisma.planMigration.create({ data: { id: 'pmg_00000000000000bb', fromPlanCode: 'pro-yearly', toPlanCode: 'retired-plan' } });
    const handle = await h.env.client.workflow.start<PlanMigrationWorkflow>(WORKFLOW_TYPES.planMigration, {
      workflowId: planMigrationWorkflowId('pmg_00000000000000bb'),
      taskQueue: h.taskQueue,
      args: [{ migrationId: 'pmg_00000000000000bb' }],
    });
    await expect(handle.result()).rejects.toThrow();
    const res = await request(d.app).get('/plans/migrations/pmg_00000000000000bb');
    expect(res.body).toMatchObject({ status: 'failed', total: 0, completedAt: expect.any(String) });
  });

  test('an unknown migration is a 404 problem, a malformed id a 400', async () => {
    expect((await request(d.app).get('/plans/migrations/pmg_0123456789abcdef')).status).toBe(404);
    expect((await request(d.app).get('/plans/migrations/nope')).status).toBe(400);
  });
});
