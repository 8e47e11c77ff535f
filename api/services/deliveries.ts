// A subscription's deliveries: listed, skipped, or sent to a new address, each only until the
// delivery's cut-off (domain/deliveries.ts). The renewal reads the skips when it bills the period.
import { deliveryChangeRefusal } from '../../domain/deliveries';
import type { Delivery, Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { conflict, notFound } from '../problem';
import type { DeliveryAddressBody, DeliveryView } from '../schemas/deliveries';

type PostalAddressJson = DeliveryView['address'];

function toDeliveryView(row: Delivery, now: Date): DeliveryView {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    addOnCode: row.addOnCode,
    name: row.addOnName,
    quantity: row.quantity,
    period: { start: row.periodStart.toISOString(), end: row.periodEnd.toISOString() },
    status: row.status === 'skipped' || row.status === 'canceled' ? row.status : 'scheduled',
    address: (row.address ?? null) as PostalAddressJson,
    cutoffAt: row.cutoffAt.toISOString(),
    final: row.cutoffAt.getTime() <= now.getTime(),
  };
}

/** A 409 naming the cut-off, when a change to `row` comes after it. */
function refuseAfterCutoff(row: Delivery, now: Date): void {
  const refusal = deliveryChangeRefusal({ cutoffAt: row.cutoffAt.toISOString(), periodStart: row.periodStart.toISOString() }, now.toISOString());
  if (refusal) throw conflict(refusal, { cutoffAt: row.cutoffAt.toISOString(), deliveryId: row.id });
}

async function existingSubscription(deps: ApiDeps, id: string): Promise<void> {
  const row = await deps.prisma.subscription.findUnique({ where: { id }, select: { id: true } });
  if (!row) throw notFound(`subscription ${id} does not exist`);
}

export async function listDeliveries(deps: ApiDeps, subscriptionId: string) {
  await existingSubscription(deps, subscriptionId);
  const now = await deps.clock();
  const rows = await deps.prisma.delivery.findMany({ where: { subscriptionId }, orderBy: [{ periodStart: 'desc' }, { addOnCode: 'asc' }], take: 100 });
  return { subscriptionId, deliveries: rows.map((row) => toDeliveryView(row, now)) };
}

/** Skipping twice answers the skipped delivery; only the cut-off refuses. */
export async function skipDelivery(deps: ApiDeps, subscriptionId: string, deliveryId: string): Promise<DeliveryView> {
  const now = await deps.clock();
  const row = await deps.prisma.delivery.findFirst({ where: { id: deliveryId, subscriptionId } });
  if (!row) throw notFound(`subscription ${subscriptionId} has no delivery ${deliveryId}`);
  if (row.status === 'canceled') throw conflict(`delivery ${row.id} is canceled: no renewal bills it, so nothing ships`, { deliveryId: row.id });
  refuseAfterCutoff(row, now);
  // The cut-off is checked again in the write: a skip racing past it changes nothing.
  const { count } = await deps.prisma.delivery.updateMany({ where: { id: row.id, cutoffAt: { gt: now }, status: { not: 'canceled' } }, data: { status: 'skipped' } });
  if (count === 0) refuseAfterCutoff({ ...row, cutoffAt: now }, now);
  return toDeliveryView({ ...row, status: 'skipped' }, now);
}

/**
 * The subscription's delivery address from now on, applied to its deliveries still open. Refused
 * while the next delivery is past its cut-off but not yet started: it goes to the old address.
 */
export async function setDeliveryAddress(deps: ApiDeps, subscriptionId: string, body: DeliveryAddressBody) {
  await existingSubscription(deps, subscriptionId);
  const now = await deps.clock();
  const address = body.address as unknown as Prisma.InputJsonValue;
  const deliveries = await deps.prisma.$transaction(async (tx) => {
    const final = await tx.delivery.findFirst({ where: { subscriptionId, periodStart: { gt: now }, cutoffAt: { lte: now } }, orderBy: { periodStart: 'asc' } });
    if (final) refuseAfterCutoff(final, now);
    await tx.subscription.update({ where: { id: subscriptionId }, data: { deliveryAddress: address } });
    await tx.delivery.updateMany({ where: { subscriptionId, cutoffAt: { gt: now } }, data: { address } });
    return tx.delivery.findMany({ where: { subscriptionId, cutoffAt: { gt: now } }, orderBy: [{ periodStart: 'asc' }, { addOnCode: 'asc' }] });
  });
  return { subscriptionId, address: body.address, deliveries: deliveries.map((row) => toDeliveryView(row, now)) };
}
