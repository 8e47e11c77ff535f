// Commands that reach a subscription in the same workflow task (issue 11, found by the fuzz): the
// workflow must meet them in an order its replay reproduces, or the next task after a worker
// restart fails with a nondeterminism error and the subscription stops.
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import type { Express } from 'express';
import request from 'supertest';
import { DEFAULT_POLICY } from '../../domain/subscription';
import { environmentApp, eventually, workflowBundle } from '../../simulator/environment';
import { countingClient } from '../../simulator/fuzz/counting-client';
import { fetchRunChain } from '../../simulator/histories';
import { workflowHealth } from '../../simulator/health';
import type { Harness } from '../support/harness';
import { retireSubscription, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { replay } from '../support/replay';

const { EventType } = temporal.api.enums.v1;

let h: Harness;
let d: Driver;
/** The API, counting the updates and signals it sends to Temporal. */
let counted: { app: Express; calls: () => number };
beforeAll(async () => {
  // No workflow cache: every task replays the history, as after a worker restart.
  h = await startHarness({ restartableWorker: true });
  d = driver(h, testApp(h));
  const temporalClient = countingClient(h.env.client);
  counted = { app: environmentApp(h, DEFAULT_POLICY, { temporal: temporalClient.client }), calls: temporalClient.calls };
});
afterAll(async () => {
  await h?.teardown();
});

/** Sends `requests` while the worker is stopped, so they reach the workflow in one task, then lets it run. */
async function inOneTask(...requests: Array<(app: Express) => request.Test>): Promise<number[]> {
  await h.stopWorker();
  const before = counted.calls();
  const answers = requests.map((send) => Promise.resolve(send(counted.app)));
  await eventually(async () => counted.calls() - before, (calls) => calls === requests.length, 'the API to send every request to Temporal');
  // The calls are made; their gRPC requests cross the loopback before the worker polls.
  await sleep(100);
  await h.startWorker();
  return (await Promise.all(answers)).map((res) => res.status);
}

test('an add-on change and a usage report in one workflow task replay in the order they ran', async () => {
  await d.create({ id: 'one_task', customer: newCustomer('one-task'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.get('one_task');
  const statuses = await inOneTask(
    (app) => request(app).post('/subscriptions/one_task/add-ons').send({ code: 'extra-seat', quantity: 1 }),
    (app) => request(app).post('/subscriptions/one_task/usage').send({ metric: 'seats', quantity: 19 }),
  );
  expect(statuses).toEqual([200, 202]);
  // They did meet in one task: no task started between the signal and the update's acceptance.
  const events = (await h.env.client.workflow.getHandle('subscription-one_task').fetchHistory()).events ?? [];
  const signaled = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'setAddOn');
  const startedBetween = events.slice(signaled, accepted).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  expect(startedBetween).toHaveLength(1);
  // The next command is a new task, replayed from history by this cache-less worker.
  expect((await d.post('/subscriptions/one_task/coupon', { code: 'LOYAL5' })).status).toBe(200);
  expect(await workflowHealth(h, 'subscription-one_task')).toMatchObject({ ok: true, status: 'RUNNING' });

  const runs = await fetchRunChain(h.env.client.workflow, 'subscription-one_task');
  const outcomes = await replay(await workflowBundle(), runs.map(({ runId, history }) => ({ file: runId, history })));
  expect([...outcomes.values()]).toEqual(runs.map(() => undefined));
});

// A sign-up waits for its opening charge; with no worker to run it, the API answers within its
// command deadline instead of holding the request, and the same request repeated later attaches to
// the workflow it started.
test('a sign-up the worker cannot answer in time is a 503 to retry, and the retry gets the subscription it started', async () => {
  const impatient = environmentApp(h, DEFAULT_POLICY, { commandTimeoutMs: 1_000, onUnexpectedError: () => {} });
  const body = { id: 'no_worker', customer: newCustomer('no-worker'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' };
  await h.stopWorker();
  let answer: request.Response;
  try {
    answer = await request(impatient).post('/subscriptions').send(body);
  } finally {
    await h.startWorker();
  }
  expect([answer.status, answer.type, answer.headers['retry-after']]).toEqual([503, 'application/problem+json', '5']);
  // The retry is an ordinary client's, with the default deadline: a loaded machine may take more than 1 s to open.
  const retried = await request(testApp(h)).post('/subscriptions').send(body);
  expect([retried.status, retried.body.id, retried.body.status]).toEqual([200, 'no_worker', 'active']);
});

// Each test file's afterEach retires its subscriptions. The time-skipping server never gives back the
// clock lock of a task that is outstanding when its workflow is terminated, so retiring one mid-task
// would leave every later move of the clock waiting in real time (a 120 s test timeout in CI).
test('retiring a subscription that has a workflow task outstanding leaves the clock free to move', async () => {
  await d.create({ id: 'retired_busy', customer: newCustomer('retired-busy'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.get('retired_busy');
  await h.stopWorker();
  expect((await request(testApp(h)).post('/subscriptions/retired_busy/usage').send({ metric: 'seats', quantity: 3 })).status).toBe(202);
  const retired = retireSubscription(h, 'retired_busy', 'test finished');
  await h.startWorker();
  await retired;
  expect((await h.env.client.workflow.getHandle('subscription-retired_busy').describe()).status.name).toBe('TERMINATED');
  const moved = await Promise.race([h.env.sleep(DAY).then(() => 'moved'), sleep(10_000, 'stuck', { ref: false })]);
  expect(moved).toBe('moved');
});
