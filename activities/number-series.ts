// The seller's gapless number series. A number is taken inside the transaction that finalizes its
// document: the row lock queues concurrent finalizations, and a rollback gives the number back, so
// the series never skips or repeats (bokføringsforskriften § 5-1-1: one unbroken series).
import type { Prisma } from '../prisma/generated/client';

export type Series = 'invoice' | 'credit_note';

/**
 * Transactions that take a number queue on the series' row lock: under a burst one may wait longer
 * than Prisma's defaults (2 s for a connection, 5 s in all), which would fail it for nothing.
 */
export const SERIES_TRANSACTION = { maxWait: 15_000, timeout: 30_000 };

const PREFIX: Record<Series, string> = { invoice: '', credit_note: 'CN-' };

export async function takeNumber(tx: Prisma.TransactionClient, series: Series): Promise<{ sequence: number; number: string }> {
  const [row] = await tx.$queryRaw<Array<{ taken: number }>>`
    INSERT INTO "NumberSeries" ("series", "next") VALUES (${series}, 2)
    ON CONFLICT ("series") DO UPDATE SET "next" = "NumberSeries"."next" + 1
    RETURNING "next" - 1 AS "taken"`;
  if (!row) throw new Error(`number series ${series} returned nothing`);
  const sequence = Number(row.taken);
  return { sequence, number: `${PREFIX[series]}${sequence}` };
}
