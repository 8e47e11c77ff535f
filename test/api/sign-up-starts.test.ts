import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { retryDelaySeconds, SignUpStarts } from '../../api/services/sign-up-starts';
import { DEFAULT_POLICY } from '../../domain/subscription';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

/** Every dispatcher a test makes, closed after it even when it fails: none may take the next test's rows. */
const dispatchers: SignUpStarts[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.close()));
});
function dispatcher(made: SignUpStarts): SignUpStarts {
  dispatchers.push(made);
  return made;
}

const signUp = (id: string) => ({ id, customer: { email: `${id}@example.com` }, plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });

/** A Temporal client whose workflow starts go through `start`, which sees every call. */
function temporalWith(start: (...args: Parameters<Client['workflow']['start']>) => ReturnType<Client['workflow']['start']>): Pick<Client, 'workflow'> {
  return { workflow: { start } as unknown as Client['workflow'] };
}

/** A dispatcher that is never kicked: the API process stopped before it started anything. */
class Stopped extends SignUpStarts {
  override kick(): void {}
}

async function workflowExists(id: string): Promise<boolean> {
  try {
    await h.env.client.workflow.getHandle(subscriptionWorkflowId(id)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

const pending = (id: string) => h.db.prisma.signUpStart.findUnique({ where: { subscriptionId: id } });
const charges = (id: string) => h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: `INV-${id}-` } } });
const opened = (id: string) =>
  eventually(
    () => h.db.prisma.subscription.findUniqueOrThrow({ where: { id } }),
    (row) => row.status !== 'incomplete',
    `${id} opened`,
  );

test('with Temporal refusing starts, the sign-up is still accepted, waits in the outbox with the error, and opens once Temporal answers', async () => {
  let temporalDown = true;
  const starts = dispatcher(new SignUpStarts({
    prisma: h.db.prisma,
    taskQueue: h.taskQueue,
    temporal: temporalWith((...args) => (temporalDown ? Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED')) : h.env.client.workflow.start(...args))),
  }));
  const app = testApp(h, DEFAULT_POLICY, { signUpStarts: starts });

  const res = await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(signUp('sub_outage'));
  expect(res.status).toBe(202);
  // The claim counts the attempt before the start fails: the error is written once it has.
  const waiting = await eventually(() => pending('sub_outage'), (row) => (row?.lastError ?? null) !== null, 'a failed attempt');
  expect(waiting).toMatchObject({ attempts: 1, lastError: expect.stringContaining('UNAVAILABLE') });
  expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThan(waiting!.createdAt.getTime());
  expect(await workflowExists('sub_outage')).toBe(false);

  // Temporal is back and the backoff has run out.
  temporalDown = false;
  await h.db.prisma.signUpStart.update({ where: { subscriptionId: 'sub_outage' }, data: { nextAttemptAt: new Date(0) } });
  starts.kick();
  expect((await opened('sub_outage')).status).toBe('active');
  expect(await pending('sub_outage')).toBeNull();
  expect(await charges('sub_outage')).toBe(1);
  await starts.close();
});

test('a read of a subscription still in the outbox starts its workflow and answers', async () => {
  const app = testApp(h, DEFAULT_POLICY, { signUpStarts: new Stopped({ prisma: h.db.prisma, temporal: h.env.client, taskQueue: h.taskQueue }) });
  expect((await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(signUp('sub_read_starts'))).status).toBe(202);
  expect(await pending('sub_read_starts')).not.toBeNull();
  expect(await workflowExists('sub_read_starts')).toBe(false);

  const read = await request(app).get('/subscriptions/sub_read_starts');
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id: 'sub_read_starts', plan: { code: 'pro-monthly' } });
  expect(await pending('sub_read_starts')).toBeNull();
  expect((await opened('sub_read_starts')).status).toBe('active');
});

test('a command to a subscription still in the outbox starts its workflow and is carried out', async () => {
  const app = testApp(h, DEFAULT_POLICY, { signUpStarts: new Stopped({ prisma: h.db.prisma, temporal: h.env.client, taskQueue: h.taskQueue }) });
  expect((await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(signUp('sub_cancel_starts'))).status).toBe(202);

  // Before its opening: an incomplete subscription can only be canceled at once.
  const canceled = await request(app).post('/subscriptions/sub_cancel_starts/cancel').send({ when: 'now' });
  expect(canceled.status).toBe(200);
  expect(canceled.body).toMatchObject({ id: 'sub_cancel_starts', status: 'canceled' });
  expect(await pending('sub_cancel_starts')).toBeNull();
});

test('starts left behind by a stopped API are started by the next sweep', async () => {
  const app = testApp(h, DEFAULT_POLICY, { signUpStarts: new Stopped({ prisma: h.db.prisma, temporal: h.env.client, taskQueue: h.taskQueue }) });
  expect((await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(signUp('sub_left_behind'))).status).toBe(202);
  expect(await pending('sub_left_behind')).not.toBeNull();

  const next = dispatcher(new SignUpStarts({ prisma: h.db.prisma, temporal: h.env.client, taskQueue: h.taskQueue }));
  next.sweepEvery(60_000);
  expect((await opened('sub_left_behind')).status).toBe('active');
  expect(await pending('sub_left_behind')).toBeNull();
  await next.close();
});

test('a second dispatcher does not repeat the starts the first has claimed, and each workflow starts once', async () => {
  const app = testApp(h, DEFAULT_POLICY, { signUpStarts: new Stopped({ prisma: h.db.prisma, temporal: h.env.client, taskQueue: h.taskQueue }) });
  const ids = Array.from({ length: 12 }, (_, i) => `sub_two_dispatchers_${i}`);
  for (const id of ids) expect((await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(signUp(id))).status).toBe(202);

  // The first dispatcher's starts hang (a slow Temporal) until released.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const startedBy: Record<'first' | 'second', string[]> = { first: [], second: [] };
  const recording = (who: 'first' | 'second') =>
    temporalWith(async (...args) => {
      startedBy[who].push(args[1].workflowId);
      if (who === 'first') await released;
      return h.env.client.workflow.start(...args);
    });
  const first = dispatcher(new SignUpStarts({ prisma: h.db.prisma, temporal: recording('first'), taskQueue: h.taskQueue }));
  const second = dispatcher(new SignUpStarts({ prisma: h.db.prisma, temporal: recording('second'), taskQueue: h.taskQueue }));
  try {
    first.kick();
    await eventually(async () => startedBy.first.length, (n) => n > 0, 'the first dispatcher starting');
    second.kick();
    await second.close();
    expect(startedBy.second).toEqual([]);
  } finally {
    // Also when the test fails: closing the first dispatcher waits for its starts.
    release();
  }
  await eventually(() => h.db.prisma.signUpStart.count({ where: { subscriptionId: { in: ids } } }), (left) => left === 0, 'outbox drained');
  await first.close();
  expect([...startedBy.first].sort()).toEqual(ids.map(subscriptionWorkflowId).sort());
  for (const id of ids) await opened(id);
  expect(await Promise.all(ids.map(charges))).toEqual(ids.map(() => 1));
});

test('a failed start is retried after 1, 2, 4 … seconds, never more than 5 minutes apart', () => {
  expect([1, 2, 3, 4, 5, 9, 10, 30].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16, 256, 300, 300]);
});
