// Reading a subscription's stored usage events of one metric and period, in the shape the metering
// domain aggregates: the renewal's activity and GET /subscriptions/:id/usage read them the same way.
import type { Period } from '../domain/calendar';
import type { MeteredEvent, MeteredItem } from '../domain/metering';
import type { Prisma, PrismaClient } from '../prisma/generated/client';

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

/**
 * The aggregate of `item`'s metric over the events that occurred in [from, until), computed by
 * PostgreSQL, as `aggregate` (domain/metering.ts) computes it from the rows: a report's limit check
 * need not read every event of the period.
 */
export async function aggregateInDatabase(db: Prisma.TransactionClient, subscriptionId: string, item: MeteredItem, from: Date, until: Date): Promise<number> {
  const where = { subscriptionId, metric: item.metric, occurredAt: { gte: from, lt: until } };
  switch (item.pricing.aggregation) {
    case 'sum':
      return (await db.usageEvent.aggregate({ where, _sum: { value: true } }))._sum.value ?? 0;
    case 'max':
      return Math.max(0, (await db.usageEvent.aggregate({ where, _max: { value: true } }))._max.value ?? 0);
    case 'last':
      return (await db.usageEvent.findFirst({ where, select: { value: true }, orderBy: [{ occurredAt: 'desc' }, { receivedAt: 'desc' }] }))?.value ?? 0;
    case 'unique_count': {
      const property = item.pricing.property ?? '';
      const [row] = await db.$queryRaw<Array<{ n: number }>>`
        SELECT (COUNT(DISTINCT properties -> ${property}) FILTER (WHERE jsonb_typeof(properties -> ${property}) <> 'null'))::int AS n
        FROM "UsageEvent"
        WHERE "subscriptionId" = ${subscriptionId} AND metric = ${item.metric} AND "occurredAt" >= ${from} AND "occurredAt" < ${until}`;
      return row?.n ?? 0;
    }
  }
}
