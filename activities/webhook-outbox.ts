// The webhook outbox. An activity that records a lifecycle fact records its events, and one
// delivery per matching endpoint, in the same database transaction as the fact; after the commit it
// starts one delivery workflow per delivery. A retried activity finds its events already recorded
// (unique idempotency key) and only (re)starts their deliveries that are still pending, which
// covers a crash between the commit and the start. Delivery happens in those workflows, so a slow
// or dead endpoint never holds up the activity, let alone billing.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { NewWebhookEvent } from '../domain/webhooks';
import { endpointWants, webhookDeliveryWorkflowId, webhookTaskQueue } from '../domain/webhooks';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import type { WebhookDeliveryWorkflow } from '../workflows/contract';
import { WORKFLOW_TYPES } from '../workflows/contract';

/** How activities start delivery workflows. */
export interface WorkflowStarter {
  client: Client;
  /** The worker's task queue; delivery attempts run on its webhook queue (see webhookTaskQueue). */
  taskQueue: string;
}

/** What a transaction recorded: deliveries to start, and keys of events an earlier attempt recorded. */
export interface RecordedEvents {
  deliveryIds: string[];
  existingKeys: string[];
}

export const NOTHING_RECORDED: RecordedEvents = { deliveryIds: [], existingKeys: [] };

/**
 * Inside the fact's transaction: each event an enabled endpoint wants, with a pending delivery per
 * such endpoint. An event no endpoint wants is not stored (the outbox exists for delivery).
 */
export async function recordWebhookEvents(tx: Prisma.TransactionClient, events: readonly NewWebhookEvent[]): Promise<RecordedEvents> {
  const recorded: RecordedEvents = { deliveryIds: [], existingKeys: [] };
  if (events.length === 0) return recorded;
  // Raw: every invoice, payment and projection write asks, and Prisma's compiler costs more than the query.
  const endpoints = await tx.$queryRaw<Array<{ id: string; events: string[] }>>`SELECT "id", "events" FROM "WebhookEndpoint" WHERE "enabled"`;
  for (const event of events) {
    const targets = endpoints.filter((endpoint) => endpointWants(endpoint.events, event.type));
    if (targets.length === 0) continue;
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    const { count } = await tx.webhookEvent.createMany({
      data: [
        {
          id: eventId,
          idempotencyKey: event.idempotencyKey,
          type: event.type,
          subscriptionId: event.subscriptionId,
          payload: event.data as Prisma.InputJsonObject,
          createdAt: new Date(event.createdAt),
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) {
      recorded.existingKeys.push(event.idempotencyKey);
      continue;
    }
    const deliveries = targets.map((endpoint) => ({ id: randomUUID(), eventId, endpointId: endpoint.id }));
    await tx.webhookDelivery.createMany({ data: deliveries });
    recorded.deliveryIds.push(...deliveries.map((delivery) => delivery.id));
  }
  return recorded;
}

/** Starts each delivery's workflow once: its id is fixed and a closed one is never run again. */
export async function startDeliveries(temporal: WorkflowStarter, deliveryIds: readonly string[]): Promise<void> {
  await Promise.all(
    deliveryIds.map(async (deliveryId) => {
      try {
        await temporal.client.workflow.start<WebhookDeliveryWorkflow>(WORKFLOW_TYPES.webhookDelivery, {
          workflowId: webhookDeliveryWorkflowId(deliveryId),
          // The workflow on the main queue (a few short tasks), its attempts on the delivery queue.
          taskQueue: temporal.taskQueue,
          args: [{ deliveryId, deliveryQueue: webhookTaskQueue(temporal.taskQueue) }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }),
  );
}

/** After the commit: starts the new deliveries and any still-pending ones of events recorded earlier. */
export async function publishWebhookEvents(
  deps: { prisma: PrismaClient; temporal: WorkflowStarter },
  recorded: RecordedEvents,
): Promise<void> {
  const pending =
    recorded.existingKeys.length === 0
      ? []
      : await deps.prisma.webhookDelivery.findMany({
          where: { status: 'pending', event: { idempotencyKey: { in: recorded.existingKeys } } },
          select: { id: true },
        });
  await startDeliveries(deps.temporal, [...recorded.deliveryIds, ...pending.map((delivery) => delivery.id)]);
}
