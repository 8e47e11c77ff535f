// The email outbox on Temporal's time-skipping server: queueEmail records an email and starts its
// delivery workflow (workflows/email-delivery.ts) on the outbound-delivery worker, which sends it
// to a real SMTP server over the wire, retries an outage for a bounded time and gives up at once
// on a permanent rejection.
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createActivities } from '../../activities';
import { emailDeliveryWorkflowId } from '../../activities/emails';
import type { EmailIntent } from '../../domain/effects';
import { EMAIL_RETRY_POLICY } from '../../workflows/email-delivery';
import type { Harness } from '../support/harness';
import { eventually, startHarness } from '../support/harness';
import { DAY } from '../support/lifecycle';

const HOUR = 3_600_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

const intent = (key: string, to = 'ada@example.com'): EmailIntent => ({
  key,
  to,
  customerName: 'Ada',
  subscriptionId: key.split('/')[0]!,
  content: { template: 'resumed', nextBillingAt: '2030-02-01T00:00:00.000Z' },
});

/** Workflow time: queueEmail runs inside the subscription workflow and dates the email by it. */
const now = async () => new Date(await h.env.currentTimeMs()).toISOString();
const row = (key: string) => h.db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
const delivery = (key: string) => h.env.client.workflow.getHandle(emailDeliveryWorkflowId(key));
const arrived = async (key: string) => {
  const { messageId } = await row(key);
  return h.smtp.received.filter((mail) => mail.messageId === messageId);
};

test('a recipient the SMTP server rejects with 550 is attempted once, then the email is failed with the reason and never retried', async () => {
  const key = 'dl_gone/resumed/1';
  h.smtp.rejectRecipient('gone@example.com', 550, '5.1.1 mailbox unavailable');
  const queuedAt = await now();
  await createActivities(h.deps).queueEmail(intent(key, 'gone@example.com'), queuedAt);

  expect(await delivery(key).result()).toBe('failed');
  const failed = await row(key);
  expect(failed).toMatchObject({ status: 'failed', attempts: 1, sentAt: null, lastError: expect.stringContaining('550 5.1.1 mailbox unavailable') });
  expect(failed.failedAt!.getTime() - new Date(queuedAt).getTime()).toBeLessThan(60_000);

  // A day later: still the one attempt, and the delivery is over.
  await h.env.sleep(DAY);
  expect(h.smtp.rejected.filter((rejection) => rejection.to === 'gone@example.com')).toHaveLength(1);
  expect(await row(key)).toMatchObject({ status: 'failed', attempts: 1 });
  expect((await delivery(key).describe()).status.name).toBe('COMPLETED');
});

test('an SMTP outage (connection refused) is retried with backoff and the email delivered exactly once when the server is back', async () => {
  const key = 'dl_outage/resumed/1';
  await h.smtp.down();
  try {
    // Queueing does not wait for SMTP: the row is written and the delivery started while it is down.
    const queuedAt = await now();
    await createActivities(h.deps).queueEmail(intent(key), queuedAt);
    expect(await row(key)).toMatchObject({ status: 'pending', createdAt: new Date(queuedAt) });
    await eventually(() => row(key), (r) => r.attempts === 1 && /ECONNREFUSED/.test(r.lastError ?? ''), 'the first attempt');

    // Attempts at 0, 10, 30, 70, 150, 310 and 630 s, then every 10 min: the 8th at 20.5 min.
    await h.env.sleep(25 * 60_000);
    await eventually(() => row(key), (r) => r.attempts === 8, 'eight attempts');
    expect(await row(key)).toMatchObject({ status: 'pending', sentAt: null, lastError: expect.stringMatching(/ECONNREFUSED/) });
  } finally {
    await h.smtp.up();
  }

  // The 9th attempt (at 30.5 min) finds the server back.
  expect(await delivery(key).result()).toBe('sent');
  const sent = await row(key);
  expect(sent).toMatchObject({ status: 'sent', attempts: 9, sentAt: sent.createdAt, lastError: null, failedAt: null });
  expect(await arrived(key)).toHaveLength(1);
  await h.env.sleep(DAY);
  expect(await arrived(key)).toHaveLength(1);
});

test('an SMTP outage that outlasts the retries ends the delivery after about 3 days: the email is failed after the last attempt, not before', async () => {
  const key = 'dl_long_outage/resumed/1';
  await h.smtp.down();
  try {
    const queuedAt = await now();
    await createActivities(h.deps).queueEmail(intent(key), queuedAt);

    await h.env.sleep(71 * HOUR);
    await eventually(() => row(key), (r) => r.attempts > 400, 'attempts through 71 hours');
    expect(await row(key)).toMatchObject({ status: 'pending', failedAt: null });

    await h.env.sleep(2 * HOUR);
    const failed = await eventually(() => row(key), (r) => r.status !== 'pending', 'delivery to give up');
    expect(await delivery(key).result()).toBe('failed');
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: EMAIL_RETRY_POLICY.maximumAttempts,
      sentAt: null,
      lastError: expect.stringMatching(new RegExp(`^gave up after ${EMAIL_RETRY_POLICY.maximumAttempts} attempts: .*ECONNREFUSED`)),
    });
    const gaveUpAfter = failed.failedAt!.getTime() - new Date(queuedAt).getTime();
    expect(gaveUpAfter).toBeGreaterThanOrEqual(72 * HOUR);
    expect(gaveUpAfter).toBeLessThan(73 * HOUR);
  } finally {
    await h.smtp.up();
  }

  // Nothing retries it once the server is back.
  await h.env.sleep(DAY);
  expect(await row(key)).toMatchObject({ status: 'failed', attempts: EMAIL_RETRY_POLICY.maximumAttempts });
  expect(await arrived(key)).toHaveLength(0);
});

/** A client that records each delivery start and whether Temporal started it or already had it. */
function recordingStarts(outcomes: string[], fail?: Error): Client {
  const start = async (workflow: string, options: WorkflowStartOptions) => {
    if (fail) throw fail;
    try {
      const handle = await h.env.client.workflow.start(workflow, options);
      outcomes.push(`started ${options.workflowId}`);
      return handle;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) outcomes.push(`already started ${options.workflowId}`);
      throw error;
    }
  };
  return { workflow: { start } } as unknown as Client;
}

test('queueEmail called twice with the same key writes one row and starts one delivery, and none once the email is sent', async () => {
  const key = 'dl_twice/resumed/1';
  const outcomes: string[] = [];
  const queue = createActivities({ ...h.deps, temporal: { ...h.deps.temporal, client: recordingStarts(outcomes) } });
  const firstAt = await now();
  // The step is retried while its first attempt is still running: the same key, a later time.
  const retriedAt = new Date(Date.parse(firstAt) + 1000).toISOString();
  await Promise.all([queue.queueEmail(intent(key), firstAt), queue.queueEmail(intent(key), retriedAt)]);

  const id = emailDeliveryWorkflowId(key);
  expect(outcomes.sort()).toEqual([`already started ${id}`, `started ${id}`]);
  // One row, from whichever attempt's insert won the race.
  const rows = await h.db.prisma.emailMessage.findMany({ where: { idempotencyKey: key }, select: { createdAt: true } });
  expect(rows).toHaveLength(1);
  const createdAt = rows[0]!.createdAt;
  expect([firstAt, retriedAt]).toContain(createdAt.toISOString());
  expect(await delivery(key).result()).toBe('sent');
  expect(await arrived(key)).toHaveLength(1);

  // A retry after the email went out writes nothing and starts nothing.
  await queue.queueEmail(intent(key), await now());
  expect(outcomes).toHaveLength(2);
  expect(await row(key)).toMatchObject({ status: 'sent', attempts: 1, createdAt });
  expect(await arrived(key)).toHaveLength(1);
});

test('a queueEmail retried after a crash between its write and the delivery start starts the delivery', async () => {
  const key = 'dl_crash/resumed/1';
  const outcomes: string[] = [];
  const crashing = createActivities({ ...h.deps, temporal: { ...h.deps.temporal, client: recordingStarts(outcomes, new Error('worker process killed')) } });
  const at = await now();
  await expect(crashing.queueEmail(intent(key), at)).rejects.toThrow('worker process killed');
  expect(await row(key)).toMatchObject({ status: 'pending', attempts: 0 });

  const retried = createActivities({ ...h.deps, temporal: { ...h.deps.temporal, client: recordingStarts(outcomes) } });
  await retried.queueEmail(intent(key), at);
  expect(outcomes).toEqual([`started ${emailDeliveryWorkflowId(key)}`]);
  expect(await delivery(key).result()).toBe('sent');
  expect(await arrived(key)).toHaveLength(1);
});
