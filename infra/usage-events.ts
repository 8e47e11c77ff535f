// Reading a subscription's stored usage events of one metric and period, in the shape the metering
// domain aggregates: the renewal's activity and GET /subscriptions/:id/usage read them the same way.
import type { Period } from '../domain/calendar';
import type { MeteredEvent, MeteredItem } from '../domain/metering';
import type { PrismaClient } from '../prisma/generated/client';

/** Events of `metric` that occurred in [period.start, period.end). */
export async function periodEvents(prisma: PrismaClient, subscriptionId: string, metric: string, period: Period): Promise<MeteredEvent[]> {
  const rows = await prisma.usageEvent.findMany({
    where: { subscriptionId, metric, occurredAt: { gte: new Date(period.start), lt: new Date(period.end) } },
    select: { value: true, properties: true, occurredAt: true, receivedAt: true },
    orderBy: [{ occurredAt: 'asc' }, { receivedAt: 'asc' }],
  });
  return rows.map((row) => ({
    value: row.value,
    properties: row.properties !== null && typeof row.properties === 'object' && !Array.isArray(row.properties) ? (row.properties as Record<string, unknown>) : null,
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
  }));
}

/** The events of each metered item in `period`, by item code. */
export async function itemEvents(prisma: PrismaClient, subscriptionId: string, items: readonly MeteredItem[], period: Period): Promise<Map<string, MeteredEvent[]>> {
  const byCode = new Map<string, MeteredEvent[]>();
  for (const item of items) byCode.set(item.code, await periodEvents(prisma, subscriptionId, item.metric, period));
  return byCode;
}
