// The email outbox's entry: an EmailMessage row under the email's key (pending, with its intent)
// and one delivery workflow for it (workflows/email-delivery.ts), which renders and sends it.
// Lifecycle emails are queued by the subscription workflow (activities/emails.ts queueEmail); the
// portal queues its sign-in emails from the API (portal/sign-in-links.ts).
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { EmailIntent } from '../domain/effects';
import { webhookTaskQueue } from '../domain/webhooks';
import type { PrismaClient } from '../prisma/generated/client';
import type { EmailDeliveryWorkflow } from '../workflows/contract';
import { WORKFLOW_TYPES } from '../workflows/contract';
import type { WorkflowStarter } from './webhook-outbox';

/** The key's digest: the same for the Message-ID and the delivery workflow's id. */
function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

export function messageIdFor(key: string): string {
  return `<${keyDigest(key)}@subscription-engine>`;
}

/** One delivery workflow per email; a fixed id (a digest: keys are long) makes starting it idempotent. */
export function emailDeliveryWorkflowId(key: string): string {
  return `email-${keyDigest(key)}`;
}

/** Starts the email's delivery workflow once: its id is fixed and a closed one is never run again. */
async function startEmailDelivery(temporal: WorkflowStarter, intent: EmailIntent): Promise<void> {
  try {
    await temporal.client.workflow.start<EmailDeliveryWorkflow>(WORKFLOW_TYPES.emailDelivery, {
      workflowId: emailDeliveryWorkflowId(intent.key),
      // Outbound attempts (webhooks and emails) share a queue and worker of their own; the workflow
      // (a few short tasks) runs with the others on the main queue.
      taskQueue: temporal.taskQueue,
      args: [{ emailKey: intent.key, deliveryQueue: webhookTaskQueue(temporal.taskQueue) }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${intent.content.template} email to ${intent.to}`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export interface OutboxEmail {
  intent: EmailIntent;
  /** Asked only when the row is written: rendering may read the database (a receipt's invoice). */
  subject: () => Promise<string> | string;
  /** The row's createdAt: the lifecycle event's time (workflow time), or the request's. */
  at: Date;
  customerId?: string;
}

/**
 * Records the email (pending, with its intent) unless an earlier attempt did, then starts its
 * delivery unless it already ended. Writes once and returns at once: it never waits for SMTP.
 */
export async function queueOutboxEmail({ prisma, temporal }: { prisma: PrismaClient; temporal: WorkflowStarter }, email: OutboxEmail): Promise<void> {
  const { intent } = email;
  // Raw SQL: every renewal queues a receipt, and Prisma's query compiler costs more than the statements.
  const [existing] = await prisma.$queryRaw<Array<{ status: string }>>`
    SELECT "status"::text AS "status" FROM "EmailMessage" WHERE "idempotencyKey" = ${intent.key}`;
  if (existing && existing.status !== 'pending') return;
  if (!existing) {
    await prisma.$executeRaw`
      INSERT INTO "EmailMessage" ("id", "idempotencyKey", "subscriptionId", "customerId", "template", "to", "subject", "messageId", "status", "intent", "createdAt")
      VALUES (${randomUUID()}, ${intent.key}, ${intent.subscriptionId}, ${email.customerId ?? null}, ${intent.content.template}, ${intent.to},
        ${await email.subject()}, ${messageIdFor(intent.key)}, 'pending'::"EmailStatus", ${JSON.stringify(intent)}::jsonb, ${email.at})
      ON CONFLICT ("idempotencyKey") DO NOTHING`;
  }
  await startEmailDelivery(temporal, intent);
}
