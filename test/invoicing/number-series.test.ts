// One gapless number series however many workers finalize at once: numbers are taken inside the
// finalizing transaction, so a finalization that fails gives its number back.
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/deps';
import { createInvoiceActivities } from '../../activities/invoices';
import { buildInvoice, DEFAULT_SELLER_TAX, invoiceNumber } from '../../domain/invoice';
import { eachLimited } from '../../infra/each-limited';
import { createPrismaClient, type PrismaClient } from '../../infra/database';
import { createTestDatabase, type TestDatabase } from '../support/database';

const WORKERS = 4;
// 32 finalizations in flight at every moment until the end: more invoices only make the same
// contention last longer (1,000 cost 12 s of CPU and 28 s of the suite's time).
const INVOICES = 400;
const FAILING = 16;
const AT = '2028-01-10T00:00:00.000Z';

let db: TestDatabase;
let workers: PrismaClient[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.customer.create({ data: { id: 'cus_series', email: 'series@example.com', name: 'Series' } });
  await db.prisma.subscription.create({
    data: { id: 'sub_series', workflowId: 'subscription-sub_series', customerId: 'cus_series', planCode: 'pro-monthly', status: 'active', paymentMethod: 'pm_card_visa' },
  });
  // Each worker process has its own connection pool.
  workers = Array.from({ length: WORKERS }, () => createPrismaClient(db.url));
});
afterAll(async () => {
  await Promise.all(workers.map((prisma) => prisma.$disconnect()));
  await db?.drop();
});

function draft(subscriptionId: string, n: number) {
  return buildInvoice(
    {
      number: invoiceNumber(subscriptionId, n),
      subscriptionId,
      customerId: 'cus_series',
      periodIndex: null,
      billingReason: 'subscription_update',
      period: { start: AT, end: '2028-02-10T00:00:00.000Z' },
      currency: 'NOK',
      issuedAt: AT,
    },
    { seller: DEFAULT_SELLER_TAX, buyer: null, issuedAt: AT },
    [{ kind: 'proration_charge', description: `Item ${n}`, quantity: 1, amountCents: 10_000 + n }],
    0,
  ).draft;
}

test('400 invoices finalized concurrently by four workers get numbers 1..400, none skipped or repeated, even when finalizations fail', async () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const activities = workers.map((prisma) => createInvoiceActivities({ prisma, temporal: { client: null, taskQueue: 'none' } } as unknown as ActivityDeps));
  // Interleaved with the good ones: drafts for a subscription that does not exist fail after taking a number.
  const jobs = Array.from({ length: INVOICES + FAILING }, (_, i) =>
    i % 26 === 25 && i / 26 < FAILING ? { ok: false, draft: draft('sub_missing', i) } : { ok: true, draft: draft('sub_series', i) },
  );
  expect(jobs.filter((job) => !job.ok)).toHaveLength(FAILING);
  const outcomes = { finalized: 0, failed: 0 };
  await eachLimited(jobs.map((job, index) => ({ ...job, worker: activities[index % WORKERS]! })), WORKERS * 8, async ({ draft: d, worker }) => {
    // As Temporal would, a failed finalization is tried again; one that cannot succeed stays failed.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        await env.run(worker.issueInvoice, { draft: d, credit: [] });
        outcomes.finalized += 1;
        return;
      } catch (error) {
        if (attempt === 3) outcomes.failed += 1;
        else if (d.subscriptionId === 'sub_series') console.warn(`finalization failed, retrying: ${String(error).slice(0, 300)}`);
      }
    }
  });
  expect(outcomes).toEqual({ finalized: INVOICES, failed: FAILING });

  const rows = await db.prisma.invoice.findMany({ select: { number: true, sequence: true }, orderBy: { sequence: 'asc' } });
  expect(rows.map((row) => row.sequence)).toEqual(Array.from({ length: INVOICES }, (_, i) => i + 1));
  expect(new Set(rows.map((row) => row.number)).size).toBe(INVOICES);
  expect(rows.every((row) => row.number === String(row.sequence))).toBe(true);
  expect(await db.prisma.numberSeries.findUniqueOrThrow({ where: { series: 'invoice' } })).toEqual({ series: 'invoice', next: INVOICES + 1 });
});

test('finalizing the same draft again returns the invoice it already has: no second number', async () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const [a, b] = workers.map((prisma) => createInvoiceActivities({ prisma, temporal: { client: null, taskQueue: 'none' } } as unknown as ActivityDeps));
  const again = draft('sub_series', 5_000);
  const [first, second] = await Promise.all([env.run(a!.issueInvoice, { draft: again, credit: [] }), env.run(b!.issueInvoice, { draft: again, credit: [] })]);
  expect(first).toEqual(second);
  const row = await db.prisma.invoice.findUniqueOrThrow({ where: { reference: again.number } });
  expect(row.sequence).toBe(INVOICES + 1);
  expect((await db.prisma.numberSeries.findUniqueOrThrow({ where: { series: 'invoice' } })).next).toBe(INVOICES + 2);
});
