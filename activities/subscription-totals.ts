// Maintained report aggregates. Each projection write moves one subscription's contribution
// (currency, status, monthly price) in SubscriptionTotal, and counts a status change in StatusFlow,
// inside the transaction that writes the Subscription row: the reports then read a handful of rows
// instead of scanning subscriptions, and are never ahead of or behind the projection.
import type { SubscriptionStatus } from '../domain/status';
import type { Prisma, PrismaClient } from '../prisma/generated/client';

export interface Contribution {
  currency: string;
  status: SubscriptionStatus;
  monthlyAmountCents: number;
}

type Tx = Prisma.TransactionClient;

function sameContribution(a: Contribution, b: Contribution): boolean {
  return a.currency === b.currency && a.status === b.status && a.monthlyAmountCents === b.monthlyAmountCents;
}

async function addToTotal(tx: Tx, { currency, status, monthlyAmountCents }: Contribution, sign: 1 | -1): Promise<void> {
  // One statement whether or not the row exists, so concurrent first writes of a key cannot both insert.
  await tx.$executeRaw`
    INSERT INTO "SubscriptionTotal" ("currency", "status", "subscriptions", "monthlyAmountCents")
    VALUES (${currency}, ${status}::"SubscriptionStatus", ${sign}, ${sign * monthlyAmountCents})
    ON CONFLICT ("currency", "status") DO UPDATE SET
      "subscriptions" = "SubscriptionTotal"."subscriptions" + EXCLUDED."subscriptions",
      "monthlyAmountCents" = "SubscriptionTotal"."monthlyAmountCents" + EXCLUDED."monthlyAmountCents"`;
}

/** Subtracts the row's old contribution and adds its new one; `before` is null for a row that counted nowhere. */
export async function moveContribution(tx: Tx, before: Contribution | null, after: Contribution): Promise<void> {
  if (before && sameContribution(before, after)) return;
  // Always in key order, so two transactions moving between the same two totals cannot deadlock.
  const changes: Array<[Contribution, 1 | -1]> = before ? [[before, -1], [after, 1]] : [[after, 1]];
  changes.sort(([a], [b]) => `${a.currency}|${a.status}`.localeCompare(`${b.currency}|${b.status}`));
  for (const [contribution, sign] of changes) await addToTotal(tx, contribution, sign);
}

/** Counts one status change in its calendar month (UTC), at the subscription's monthly price then. */
export async function countStatusFlow(tx: Tx, from: SubscriptionStatus, after: Contribution, at: Date): Promise<void> {
  const month = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  await tx.$executeRaw`
    INSERT INTO "StatusFlow" ("month", "currency", "from", "to", "changes", "monthlyAmountCents")
    VALUES (${month}::date, ${after.currency}, ${from}::"SubscriptionStatus", ${after.status}::"SubscriptionStatus", 1, ${after.monthlyAmountCents})
    ON CONFLICT ("month", "currency", "from", "to") DO UPDATE SET
      "changes" = "StatusFlow"."changes" + 1,
      "monthlyAmountCents" = "StatusFlow"."monthlyAmountCents" + EXCLUDED."monthlyAmountCents"`;
}

export interface TotalRow {
  currency: string;
  status: SubscriptionStatus;
  subscriptions: number;
  monthlyAmountCents: number;
}

const byKey = (a: TotalRow, b: TotalRow) => `${a.currency}|${a.status}`.localeCompare(`${b.currency}|${b.status}`);

/** The maintained totals, without empty rows (a key whose subscriptions all moved away stays at 0). */
export async function readSubscriptionTotals(prisma: PrismaClient | Tx): Promise<TotalRow[]> {
  const rows = await prisma.subscriptionTotal.findMany();
  return rows
    .filter((row) => row.subscriptions !== 0 || row.monthlyAmountCents !== 0n)
    .map((row) => ({ currency: row.currency, status: row.status, subscriptions: row.subscriptions, monthlyAmountCents: Number(row.monthlyAmountCents) }))
    .sort(byKey);
}

/** A full scan of Subscription: what the totals must equal (tests; the migration's backfill runs the same query). */
export async function recomputeSubscriptionTotals(prisma: PrismaClient | Tx): Promise<TotalRow[]> {
  const rows = await prisma.subscription.groupBy({
    by: ['currency', 'status'],
    where: { currency: { not: null } },
    _count: { _all: true },
    _sum: { monthlyAmountCents: true },
  });
  return rows
    .map((row) => ({ currency: row.currency!, status: row.status, subscriptions: row._count._all, monthlyAmountCents: row._sum.monthlyAmountCents ?? 0 }))
    .sort(byKey);
}

/** Replaces the totals with a full recomputation: a one-off repair if they were ever edited by hand. */
export async function rebuildSubscriptionTotals(prisma: PrismaClient): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // Blocks projection writes until the rebuild commits, so none is lost between the scan and the insert.
    await tx.$executeRaw`LOCK TABLE "SubscriptionTotal" IN EXCLUSIVE MODE`;
    await tx.subscriptionTotal.deleteMany();
    await tx.$executeRaw`
      INSERT INTO "SubscriptionTotal" ("currency", "status", "subscriptions", "monthlyAmountCents")
      SELECT "currency", "status", count(*)::integer, sum("monthlyAmountCents")::bigint
      FROM "Subscription" WHERE "currency" IS NOT NULL GROUP BY "currency", "status"`;
  });
}
