// The limit check on a usage report aggregates in PostgreSQL; the renewal aggregates the rows in
// domain/metering.ts. Both must agree, or a report could pass the check that the renewal bills past.
import type { MeteredAggregation, MeteredItem } from '../../domain/metering';
import { aggregate } from '../../domain/metering';
import { aggregateInDatabase, periodEvents } from '../../infra/usage-events';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const period = { start: '2028-02-01T00:00:00.000Z', end: '2028-03-01T00:00:00.000Z' };
const item = (aggregation: MeteredAggregation): MeteredItem => ({
  code: 'x',
  name: 'x',
  metric: 'uploads',
  pricing: { model: 'per_unit', aggregation, property: 'user', includedUnits: 0, tiers: [{ upTo: null, unitAmount: { EUR: '1' } }] },
});

test('sum, max, last and unique count from PostgreSQL agree with the renewal’s own aggregation over the same period', async () => {
  const rows: Array<[number, string, string, unknown]> = [
    // value, occurredAt, receivedAt, properties
    [2.5, '2028-02-03T00:00:00.000Z', '2028-02-03T00:00:01.000Z', { user: 'a' }],
    [7, '2028-02-10T00:00:00.000Z', '2028-02-10T00:00:01.000Z', { user: 'b' }],
    // Last at the same instant: the later receipt wins.
    [3, '2028-02-20T00:00:00.000Z', '2028-02-20T00:00:05.000Z', { user: { id: 1, org: 2 } }],
    [4, '2028-02-20T00:00:00.000Z', '2028-02-20T00:00:02.000Z', { user: { org: 2, id: 1 } }],
    // Earlier, and counted by no unique count: no user, a null user, no properties; then outside the period.
    [1, '2028-02-04T00:00:00.000Z', '2028-02-04T00:00:00.000Z', { other: 'a' }],
    [1, '2028-02-05T00:00:00.000Z', '2028-02-05T00:00:00.000Z', { user: null }],
    [1, '2028-02-06T00:00:00.000Z', '2028-02-06T00:00:00.000Z', null],
    [100, '2028-03-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z', { user: 'c' }],
    [100, '2028-01-31T23:59:59.999Z', '2028-02-01T00:00:00.000Z', { user: 'd' }],
  ];
  await db.prisma.usageEvent.createMany({
    data: rows.map(([value, occurredAt, receivedAt, properties], index) => ({
      subscriptionId: 's',
      metric: 'uploads',
      idempotencyId: `e${index}`,
      value,
      occurredAt: new Date(occurredAt),
      receivedAt: new Date(receivedAt),
      ...(properties === null ? {} : { properties: properties as object }),
    })),
  });
  await db.prisma.usageEvent.create({ data: { subscriptionId: 's', metric: 'downloads', idempotencyId: 'other', value: 50, occurredAt: new Date('2028-02-05T00:00:00.000Z') } });

  const events = await periodEvents(db.prisma, 's', 'uploads', period);
  const inDatabase = async (aggregation: MeteredAggregation) => aggregateInDatabase(db.prisma, 's', item(aggregation), new Date(period.start), new Date(period.end));
  const expected = { sum: 19.5, max: 7, last: 3, unique_count: 3 };
  for (const aggregation of ['sum', 'max', 'last', 'unique_count'] as const) {
    expect([aggregation, aggregate(events, aggregation, 'user')]).toEqual([aggregation, expected[aggregation]]);
    expect([aggregation, await inDatabase(aggregation)]).toEqual([aggregation, expected[aggregation]]);
  }
  // No events: nothing used.
  for (const aggregation of ['sum', 'max', 'last', 'unique_count'] as const) {
    expect(await aggregateInDatabase(db.prisma, 'nobody', item(aggregation), new Date(period.start), new Date(period.end))).toBe(0);
  }
});
