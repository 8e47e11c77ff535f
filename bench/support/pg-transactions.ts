// PostgreSQL's own count of the transactions a database has ended (a statement outside a
// transaction is one): a per-request figure that, unlike latency, does not move with the load
// other work puts on the machine.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../../infra/database';

/** An idle backend reports what it still holds within 10 s (PostgreSQL's PGSTAT_IDLE_INTERVAL): waited for. */
const STATS_FLUSH_MS = 11_000;

export async function endedTransactions(prisma: PrismaClient): Promise<number> {
  await sleep(STATS_FLUSH_MS);
  const [row] = await prisma.$queryRaw<Array<{ ended: bigint }>>`
    SELECT xact_commit + xact_rollback AS ended FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row?.ended ?? 0);
}
