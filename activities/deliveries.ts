// Deliveries of shipping add-ons in the database: the projection schedules the next period's
// deliveries in the transaction of each subscription write, and the renewal asks which of them the
// customer skipped, so the invoice credits them.
import type { Period } from '../domain/calendar';
import type { NewWebhookEvent } from '../domain/webhooks';
import type { SubscriptionState } from '../domain/subscription';
import { DEFAULT_DELIVERY_CUTOFF_DAYS, nextDeliveries } from '../domain/deliveries';
import type { Prisma } from '../prisma/generated/client';
import type { ActivityDeps } from './deps';

export interface SkippedDeliveriesInput {
  subscriptionId: string;
  period: Period;
  codes: string[];
}

/** One row per shipping add-on for the next period (an existing one is kept as it is), with a `delivery.scheduled` event per new row. */
export async function scheduleDeliveries(tx: Prisma.TransactionClient, state: SubscriptionState, at: string): Promise<NewWebhookEvent[]> {
  const drafts = nextDeliveries(state, state.policy.deliveryCutoffDays ?? DEFAULT_DELIVERY_CUTOFF_DAYS);
  if (drafts.length === 0) return [];
  const row = await tx.subscription.findUnique({ where: { id: state.id }, select: { deliveryAddress: true } });
  const address = (row?.deliveryAddress ?? state.customer.billing?.address ?? null) as Prisma.InputJsonValue | null;
  const events: NewWebhookEvent[] = [];
  for (const draft of drafts) {
    const periodStart = new Date(draft.period.start);
    const key = { subscriptionId: draft.subscriptionId, addOnCode: draft.addOnCode, periodStart };
    const existing = await tx.delivery.findUnique({ where: { subscriptionId_addOnCode_periodStart: key }, select: { id: true } });
    if (existing) continue;
    const created = await tx.delivery.create({
      data: {
        ...key,
        addOnName: draft.addOnName,
        quantity: draft.quantity,
        periodEnd: new Date(draft.period.end),
        cutoffAt: new Date(draft.cutoffAt),
        ...(address === null ? {} : { address }),
      },
    });
    events.push({
      idempotencyKey: `delivery.scheduled:${created.id}`,
      type: 'delivery.scheduled',
      subscriptionId: state.id,
      createdAt: at,
      data: { delivery: { id: created.id, addOnCode: draft.addOnCode, name: draft.addOnName, quantity: draft.quantity, period: draft.period, cutoffAt: draft.cutoffAt, address } },
    });
  }
  return events;
}

export function createDeliveryActivities({ prisma }: ActivityDeps) {
  return {
    /** Which of `codes` the customer skipped for the period starting at `period.start` (read-only: safe to retry). */
    async skippedDeliveries({ subscriptionId, period, codes }: SkippedDeliveriesInput): Promise<string[]> {
      const rows = await prisma.delivery.findMany({
        where: { subscriptionId, addOnCode: { in: codes }, periodStart: new Date(period.start), status: 'skipped' },
        select: { addOnCode: true },
        orderBy: { addOnCode: 'asc' },
      });
      return rows.map((row) => row.addOnCode);
    },
  };
}
