// Bulk plan migration against a real Temporal dev server: the time-skipping test server has no
// visibility queries, and the listing must be proven on the query production runs,
// `PlanCode = "<code>" AND ExecutionStatus = "Running"`, with its page tokens. Nothing here waits
// for the calendar (renewals on the new plan are in plan-migration.test.ts), so real time is fine.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import request from 'supertest';
import { listRunningOnPlan, runningOnPlanQuery, type ListingCursor } from '../../activities/subscription-listing';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth-keys';
import type { ApiDeps } from '../../api/deps';
import { startPlanMigration } from '../../api/services/plan-migrations';
import { DEFAULT_POLICY } from '../../domain/subscription';
import { smtpMailer } from '../../emails/mailer';
import { SandboxGateway } from '../../gateway/sandbox-gateway';
import type { SmtpCatcher } from '../../simulator/smtp-catcher';
import { createSubscriptionWorker } from '../../worker/worker';
import type { TestDatabase } from '../support/database';
import { startDevServerStack, type DevServerStack } from '../support/dev-server';
import { eventually, TEST_LINKS } from '../support/harness';
import { newCustomer } from '../support/lifecycle';
import { SignUpStarts } from '../../api/services/sign-up-starts';

let stack: DevServerStack;
let db: TestDatabase;
let smtp: SmtpCatcher;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let deps: ApiDeps;
let app: Express;
let adminKey: string;

beforeAll(async () => {
  stack = await startDevServerStack();
  ({ db, smtp, client } = stack);
  const taskQueue = `visibility-${randomBytes(4).toString('hex')}`;
  worker = await createSubscriptionWorker({
    connection: stack.workerConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      prisma: db.prisma,
      gateway: new SandboxGateway(db.prisma),
      mailer: smtpMailer(smtp.url),
      mailFrom: 'Billing <billing@example.test>',
      links: TEST_LINKS,
      temporal: { client, taskQueue },
    },
  });
  running = worker.run();
  deps = { prisma: db.prisma, temporal: client, taskQueue, signUpStarts: new SignUpStarts({ prisma: db.prisma, temporal: client, taskQueue }), policy: DEFAULT_POLICY, clock: async () => new Date(), links: TEST_LINKS };
  app = createApp(deps);
  adminKey = (await createApiKey(db.prisma, { name: 'visibility test', scopes: ['admin'] })).key;
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await stack?.stop();
});

const api = {
  post: (path: string, body: object) => request(app).post(path).set('authorization', `Bearer ${adminKey}`).send(body),
  get: (path: string) => request(app).get(path).set('authorization', `Bearer ${adminKey}`),
};

async function subscribe(id: string, plan: string): Promise<void> {
  const res = await api.post('/subscriptions', { id, customer: newCustomer(id), plan, paymentMethod: 'pm_card_visa' });
  expect(res.status).toBe(201);
}

const onBasic = ['vis_1', 'vis_2', 'vis_3', 'vis_4', 'vis_grandpa'];

beforeAll(async () => {
  for (const id of [...onBasic, 'vis_gone']) await subscribe(id, 'basic-monthly');
  await subscribe('vis_pro', 'pro-monthly');
  expect((await api.post('/subscriptions/vis_gone/cancel', { when: 'now' })).status).toBe(200);
  await db.prisma.subscription.update({ where: { id: 'vis_grandpa' }, data: { grandfathered: true } });
  // Visibility is eventually consistent: start once the server has indexed them.
  await eventually(
    () => client.workflow.count(runningOnPlanQuery('basic-monthly')),
    ({ count }) => count === onBasic.length,
    'visibility to list the subscriptions on basic-monthly',
  );
}, 60_000);

test('the visibility query pages through exactly the running subscription workflows on the plan', async () => {
  const seen: string[] = [];
  let cursor: ListingCursor | null = null;
  let pages = 0;
  do {
    const page = await listRunningOnPlan(client, 'basic-monthly', cursor, 2);
    expect(page.workflowIds.length).toBeLessThanOrEqual(2);
    seen.push(...page.workflowIds);
    cursor = page.next;
    expect(cursor === null || 'token' in cursor).toBe(true);
    pages += 1;
  } while (cursor);
  expect(seen.sort()).toEqual(onBasic.map((id) => `subscription-${id}`).sort());
  expect(pages).toBeGreaterThanOrEqual(3);
});

test('a migration found through visibility schedules the move on every running subscription but the grandfathered', async () => {
  const started = await startPlanMigration(deps, 'basic-monthly', { toPlan: 'pro-monthly', excludeGrandfathered: true, excludeSubscriptionIds: [] }, { pageSize: 2, stepsPerRun: 2 });
  const migration = await eventually(
    async () => (await api.get(`/plans/migrations/${started.id}`)).body as { status: string; items: { data: unknown[] } },
    (m) => m.status !== 'running',
    'the migration to finish',
  );
  expect(migration).toMatchObject({ status: 'completed', total: 5, scheduled: 4, skipped: 1, failed: 0, pending: 0 });
  expect(migration.items.data).toContainEqual(expect.objectContaining({ subscriptionId: 'vis_grandpa', outcome: 'skipped', reason: 'grandfathered' }));

  for (const id of onBasic.filter((id) => id !== 'vis_grandpa')) {
    const view = await api.get(`/subscriptions/${id}`);
    expect(view.body).toMatchObject({ plan: { code: 'basic-monthly' }, scheduledChange: { plan: { code: 'pro-monthly' } } });
  }
  expect((await api.get('/subscriptions/vis_pro')).body.scheduledChange).toBeNull();
  const history = await client.workflow.getHandle(`plan-migration-${started.id}`).fetchHistory();
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
});
