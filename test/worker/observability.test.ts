// The worker as deployed, on the time-skipping server: Temporal's Runtime logs to pino, and core
// serves its metrics on a local port that the worker's /metrics appends.
import { freePort } from '../../infra/ports';
import { createLogger } from '../../infra/logger';
import { NO_WORKFLOWS_WARNING } from '../../worker/logging';
import { createWorkerMetrics, type WorkerMetrics } from '../../worker/metrics';
import { type MetricsServer, startMetricsServer } from '../../worker/metrics-server';
import { coreMetricsUrl, workerRuntimeOptions } from '../../worker/runtime';
import { plan, startSubscription } from '../support/fixtures';
import type { Harness } from '../support/harness';
import { eventually, querySubscription, startHarness } from '../support/harness';
import { duplicateFamilies, valueOf } from '../support/prometheus';

type Line = Record<string, unknown>;

let h: Harness;
let metrics: WorkerMetrics;
let server: MetricsServer;
const lines: Line[] = [];

beforeAll(async () => {
  const coreAddress = `127.0.0.1:${await freePort()}`;
  const logger = createLogger({ service: 'worker', level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line) as Line) } });
  metrics = createWorkerMetrics();
  h = await startHarness({ runtime: workerRuntimeOptions({ logger, level: 'debug', coreMetricsAddress: coreAddress }), workerMetrics: metrics });
  server = await startMetricsServer({ port: 0, registry: metrics.registry, coreMetricsUrl: coreMetricsUrl(coreAddress), log: logger });

  await startSubscription(h, 'obs_paid', { plan: plan('pro-monthly'), paymentMethod: 'pm_card_visa' });
  await startSubscription(h, 'obs_declined', { plan: plan('basic-monthly'), paymentMethod: 'pm_card_insufficient_funds' });
  await querySubscription(h, 'subscription-obs_paid');
  await querySubscription(h, 'subscription-obs_declined');
});
afterAll(async () => {
  await server?.close();
  await h?.teardown();
});

/** Log lines arrive through the Runtime's buffer (about 100 ms): wait for the first match. */
const lineWhere = (accept: (line: Line) => boolean, what: string) =>
  eventually(async () => lines.find(accept), (line) => line !== undefined, what) as Promise<Line>;

test("an activity's own log line carries subscriptionId, workflowId, workflowRunId, activity type and invoice number", async () => {
  const invoice = await h.db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId: 'obs_paid' } });
  const charge = await lineWhere((line) => line.msg === 'charge succeeded' && line.subscriptionId === 'obs_paid', 'the charge log line');
  expect(charge).toMatchObject({
    level: 'info',
    service: 'worker',
    sdkComponent: 'activity',
    subscriptionId: 'obs_paid',
    workflowId: 'subscription-obs_paid',
    workflowRunId: expect.any(String),
    activityType: 'chargeInvoice',
    invoiceNumber: invoice.reference,
    amountCents: 2900,
    currency: 'EUR',
    paymentMethod: 'pm_card_visa',
  });
  const issued = await lineWhere((line) => line.msg === 'invoice issued' && line.subscriptionId === 'obs_paid', 'the invoice log line');
  expect(issued).toMatchObject({ activityType: 'issueInvoice', invoiceNumber: invoice.reference, workflowId: 'subscription-obs_paid' });
});

test('a declined charge is logged with its decline, and the SDK lines of an activity get the same context', async () => {
  const invoice = await h.db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId: 'obs_declined' } });
  const declined = await lineWhere((line) => line.msg === 'charge declined' && line.subscriptionId === 'obs_declined', 'the decline log line');
  expect(declined).toMatchObject({ invoiceNumber: invoice.reference, declineCode: 'insufficient_funds', declineType: 'soft' });
  const completed = await lineWhere(
    (line) => line.msg === 'Activity completed' && line.activityType === 'chargeInvoice' && line.subscriptionId === 'obs_declined',
    "the SDK's completion line",
  );
  expect(completed).toMatchObject({ level: 'debug', workflowId: 'subscription-obs_declined', invoiceNumber: invoice.reference, durationMs: expect.any(Number) });
});

test('workflow log lines carry the subscription too', async () => {
  const started = await lineWhere((line) => line.msg === 'Workflow started' && line.workflowId === 'subscription-obs_paid', "the workflow's first line");
  expect(started).toMatchObject({ level: 'debug', subscriptionId: 'obs_paid', runId: expect.any(String), workflowType: 'subscriptionWorkflow' });
});

test("the delivery worker's start (activities only, on purpose) is logged at debug level, not as a warning", async () => {
  const delivery = lines.filter((line) => line.msg === NO_WORKFLOWS_WARNING);
  expect(delivery).toEqual([expect.objectContaining({ level: 'debug', taskQueue: expect.stringMatching(/-webhooks$/) })]);
});

test("the worker's /metrics has activity durations, charge outcomes and the Temporal SDK's own worker metrics", async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(duplicateFamilies(text)).toEqual([]);
  expect(valueOf(text, 'worker_charges_total', { outcome: 'succeeded' })).toBe(1);
  expect(valueOf(text, 'worker_charges_total', { outcome: 'declined', decline_type: 'soft' })).toBe(1);
  expect(valueOf(text, 'activity_duration_seconds_count', { activity_type: 'chargeInvoice', outcome: 'completed' })).toBe(2);
  expect(valueOf(text, 'worker_core_metrics_up')).toBe(1);
  for (const name of ['temporal_worker_task_slots_available', 'temporal_activity_execution_latency', 'temporal_workflow_task_execution_latency']) {
    expect(text).toContain(`# TYPE ${name} `);
  }
});
