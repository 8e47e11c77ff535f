// Deliveries of shipping add-ons in the database: the projection schedules the next period's
// deliveries in the transaction of each subscription write, and the renewal asks which of them the
// customer skipped, so the invoice credits them.
import type { Period } from '../domain/calendar';
import type { NewWebhookEvent } from '../domain/webhooks';
import type { SubscriptionState } from '../domain/subscription';
import { DEFAULT_DELIVERY_CUTOFF_DAYS, nextDeliveries } from '../domain/deliveries';
import type { Delivery, Prisma } from '../prisma/generated/client';
import type { ActivityDeps } from './deps';

export interface SkippedDeliveriesInput {
  subscriptionId: string;
  period: Period;
  codes: string[];
}

/**
 * One row per shipping add-on for the next period, with a `delivery.scheduled` event per new (or
 * reinstated) row; a scheduled delivery of a period not yet started that no renewal will bill any
 * more (the add-on removed, a cancel or pause at period end, the subscription ended) is canceled,
 * with a `delivery.canceled` event, so nothing ships that is not paid for.
 */
export async function scheduleDeliveries(tx: Prisma.TransactionClient, state: SubscriptionState, at: string): Promise<NewWebhookEvent[]> {
  const drafts = nextDeliveries(state, state.policy.deliveryCutoffDays ?? DEFAULT_DELIVERY_CUTOFF_DAYS);
  const events: NewWebhookEvent[] = [];
  const wanted = new Set(drafts.map((draft) => `${draft.addOnCode}|${new Date(draft.period.start).getTime()}`));
  // Raw SQL: every projection write asks (nearly always finding none), and Prisma's compiler costs more than the query.
  const upcoming = await tx.$queryRaw<Array<Pick<Delivery, 'id' | 'addOnCode' | 'addOnName' | 'periodStart' | 'periodEnd'>>>`
    SELECT "id", "addOnCode", "addOnName", "periodStart", "periodEnd" FROM "Delivery"
    WHERE "subscriptionId" = ${state.id} AND "status" = 'scheduled' AND "periodStart" > ${new Date(at)}`;
  for (const row of upcoming.filter((row) => !wanted.has(`${row.addOnCode}|${row.periodStart.getTime()}`))) {
    await tx.delivery.update({ where: { id: row.id }, data: { status: 'canceled' } });
    events.push({
      idempotencyKey: `delivery.canceled:${row.id}:${state.version}`,
      type: 'delivery.canceled',
      subscriptionId: state.id,
      createdAt: at,
      data: { delivery: { id: row.id, addOnCode: row.addOnCode, name: row.addOnName, period: { start: row.periodStart.toISOString(), end: row.periodEnd.toISOString() } } },
    });
  }
  if (drafts.length === 0) return events;
  const row = await tx.subscription.findUnique({ where: { id: state.id }, select: { deliveryAddress: true } });
  const address = (row?.deliveryAddress ?? state.customer.billing?.address ?? null) as Prisma.InputJsonValue | null;
  for (const draft of drafts) {
    const periodStart = new Date(draft.period.start);
    const key = { subscriptionId: draft.subscriptionId, addOnCode: draft.addOnCode, periodStart };
    const existing = await tx.delivery.findUnique({ where: { subscriptionId_addOnCode_periodStart: key }, select: { id: true, status: true } });
    if (existing && existing.status !== 'canceled') continue;
    const fields = {
      addOnName: draft.addOnName,
      quantity: draft.quantity,
      periodEnd: new Date(draft.period.end),
      cutoffAt: new Date(draft.cutoffAt),
      ...(address === null ? {} : { address }),
    };
    // A canceled delivery comes back (an uncancel, a resumed add-on) under its own id.
    const saved = existing
      ? await tx.delivery.update({ where: { id: existing.id }, data: { ...fields, status: 'scheduled' } })
      : await tx.delivery.create({ data: { ...key, ...fields } });
    events.push({
      idempotencyKey: existing ? `delivery.scheduled:${saved.id}:${state.version}` : `delivery.scheduled:${saved.id}`,
      type: 'delivery.scheduled',
      subscriptionId: state.id,
      createdAt: at,
      data: { delivery: { id: saved.id, addOnCode: draft.addOnCode, name: draft.addOnName, quantity: draft.quantity, period: draft.period, cutoffAt: draft.cutoffAt, address } },
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
