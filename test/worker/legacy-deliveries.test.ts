// Delivery workflows moved from the outbound-delivery queue to the main queue (their attempts
// stayed there). One an earlier version started on the delivery queue must still be delivered: the
// worker counts them at start (a visibility query, hence a real dev server) and, when there are
// any, its delivery worker runs workflows too. Real time is fine: nothing waits for the calendar.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createEmailActivities, emailDeliveryWorkflowId } from '../../activities/emails';
import { messageIdFor } from '../../activities/email-outbox';
import type { EmailIntent } from '../../domain/effects';
import { webhookTaskQueue } from '../../domain/webhooks';
import { smtpMailer } from '../../emails/mailer';
import { SandboxGateway } from '../../gateway/sandbox-gateway';
import { eventually } from '../../simulator/environment';
import type { SmtpCatcher } from '../../simulator/smtp-catcher';
import { legacyDeliveriesRunning } from '../../worker/legacy-deliveries';
import { createWebhookWorker } from '../../worker/worker';
import { WORKFLOW_TYPES, type EmailDeliveryWorkflow } from '../../workflows/contract';
import type { TestDatabase } from '../support/database';
import { startDevServerStack, type DevServerStack } from '../support/dev-server';
import { TEST_LINKS } from '../support/harness';

let stack: DevServerStack;
let db: TestDatabase;
let smtp: SmtpCatcher;
let client: Client;
const taskQueue = `legacy-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  stack = await startDevServerStack();
  ({ db, smtp, client } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const intent: EmailIntent = {
  key: 'sub_legacy/resumed/0',
  to: 'ada@example.com',
  customerName: 'Ada',
  subscriptionId: 'sub_legacy',
  content: { template: 'resumed', nextBillingAt: '2027-02-01T00:00:00.000Z' },
};

const deps = () => ({
  prisma: db.prisma,
  gateway: new SandboxGateway(db.prisma),
  mailer: smtpMailer(smtp.url),
  mailFrom: 'Billing <billing@example.test>',
  links: TEST_LINKS,
  temporal: { client, taskQueue },
});

test('an email delivery an earlier version started on the delivery queue is counted, sent by a delivery worker that runs it, then no longer counted', async () => {
  expect(await legacyDeliveriesRunning(client, taskQueue)).toBe(0);
  // The row as queueEmail writes it; the workflow as earlier versions started it (no deliveryQueue).
  const recordOnly = { workflow: { start: () => Promise.resolve() } } as unknown as Client;
  await createEmailActivities({ ...deps(), temporal: { client: recordOnly, taskQueue } }).queueEmail(intent, '2027-01-01T00:00:00.000Z');
  const handle = await client.workflow.start<EmailDeliveryWorkflow>(WORKFLOW_TYPES.emailDelivery, {
    workflowId: emailDeliveryWorkflowId(intent.key),
    taskQueue: webhookTaskQueue(taskQueue),
    args: [{ emailKey: intent.key }],
  });
  await eventually(() => legacyDeliveriesRunning(client, taskQueue), (count) => count === 1, 'the legacy delivery counted');

  const worker = await createWebhookWorker({ connection: stack.workerConnection, namespace: 'default', taskQueue, deps: deps(), legacyWorkflows: true });
  const running = worker.run();
  try {
    expect(await handle.result()).toBe('sent');
  } finally {
    worker.shutdown();
    await running;
  }
  expect(smtp.received.filter((mail) => mail.messageId === messageIdFor(intent.key))).toHaveLength(1);
  expect(await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: intent.key } })).toMatchObject({ status: 'sent' });
  await eventually(() => legacyDeliveriesRunning(client, taskQueue), (count) => count === 0, 'no legacy delivery left');
}, 60_000);

test('a queue name the visibility query cannot quote counts as unknown, which the worker treats as some', async () => {
  expect(await legacyDeliveriesRunning(client, "billing's")).toBeNull();
});
