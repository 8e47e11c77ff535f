// The workflows of asynchronous sign-ups (Prefer: respond-async), started from the SignUpStart
// outbox. The 202 answers once the statement that writes the subscription's row has also written
// its pending start; starting the workflow is left to this dispatcher, in the background, so the
// answer never waits for Temporal (nor queues behind the openings of earlier sign-ups). A start
// is idempotent (the workflow id, USE_EXISTING): a start repeated by two API processes, by a crash
// between start and delete, or by a client's command that got there first changes nothing.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SubscriptionStart } from '../../domain/subscription';
import { eachLimited } from '../../infra/each-limited';
import type { Customer, PrismaClient } from '../../prisma/generated/client';
import { Prisma } from '../../prisma/generated/client';
import { WORKFLOW_TYPES } from '../../workflows/contract';
import type { SubscriptionWorkflow } from '../../workflows/contract';
import { subscriptionStartOptions } from './subscription-start-options';
import { billingProfileOf } from './views';

/** What the outbox keeps of the workflow's input: all but the customer, who is read when it starts. */
export type PendingStart = Omit<SubscriptionStart, 'subscriptionId' | 'customer'>;

export interface SignUpStartsDeps {
  prisma: PrismaClient;
  temporal: Pick<Client, 'workflow'>;
  taskQueue: string;
  /** Told of a drain that failed as a whole (the database unreachable); a failed start is retried instead. */
  onError?: (error: unknown) => void;
}

type PendingRow = Pick<Customer, 'email' | 'name' | 'billingProfile' | 'billingProfileVersion'> & {
  subscriptionId: string;
  customerId: string;
  start: PendingStart;
  attempts: number;
};

/** Rows claimed at a time, and workflow starts in flight at a time. */
const BATCH = 32;
const CONCURRENCY = 8;
/** A claimed row is not claimed again for this long: its dispatcher has that long to start it. */
const LEASE_SECONDS = 60;
const MAX_BACKOFF_SECONDS = 300;

/** Pending starts from `source` (the table, or the rows a claim returned), each with the customer it starts for. */
function withCustomers(source: Prisma.Sql, where: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`
    SELECT p."subscriptionId", p."start", p."attempts", c."id" AS "customerId", c."email", c."name", c."billingProfile", c."billingProfileVersion"
    FROM ${source} p JOIN "Subscription" s ON s."id" = p."subscriptionId" JOIN "Customer" c ON c."id" = s."customerId"
    ${where}`;
}

/** Seconds until a start that failed `attempts` times is tried again: 1, 2, 4 … up to 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, attempts - 1));
}

export class SignUpStarts {
  private draining: Promise<void> | null = null;
  private kickedWhileDraining = false;
  private sweep: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** A start failed since the outbox was last seen empty: someone must look again. */
  private failures = false;

  constructor(private readonly deps: SignUpStartsDeps) {}

  /** Starts every due pending start, soon; a call while a drain runs makes it look again when done. */
  kick(): void {
    if (this.closed) return;
    if (this.draining) {
      this.kickedWhileDraining = true;
      return;
    }
    this.draining = this.drainUntilIdle()
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.draining = null;
      });
  }

  /** Looks for due starts every `ms` as well: those another process left (a crash) and failed ones. */
  sweepEvery(ms: number): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = setInterval(() => this.kick(), ms);
    this.sweep.unref();
    this.kick();
  }

  /**
   * Starts this subscription's workflow now if it is still pending (a command or read that found
   * no workflow); false when it has none pending. A failure is thrown to the caller.
   */
  async startNow(subscriptionId: string): Promise<boolean> {
    const [row] = await this.deps.prisma.$queryRaw<PendingRow[]>(withCustomers(Prisma.raw('"SignUpStart"'), Prisma.sql`WHERE p."subscriptionId" = ${subscriptionId}`));
    if (!row) return false;
    await this.startWorkflow(row);
    await this.forget([subscriptionId]);
    return true;
  }

  /** Stops sweeping and retrying, and waits for the drain in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweep) clearInterval(this.sweep);
    if (this.retry) clearTimeout(this.retry);
    await this.draining;
  }

  private async drainUntilIdle(): Promise<void> {
    do {
      this.kickedWhileDraining = false;
      while (!this.closed && (await this.drainBatch()) > 0);
    } while (this.kickedWhileDraining && !this.closed);
    await this.scheduleRetry();
  }

  /** Claims due rows (skipping those another dispatcher holds) and starts their workflows. */
  private async drainBatch(): Promise<number> {
    const rows = await this.deps.prisma.$queryRaw<PendingRow[]>`
      WITH due AS (
        SELECT "subscriptionId" FROM "SignUpStart" WHERE "nextAttemptAt" <= now()
        ORDER BY "nextAttemptAt", "subscriptionId" LIMIT ${BATCH}::int FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE "SignUpStart" p SET "attempts" = p."attempts" + 1, "nextAttemptAt" = now() + ${LEASE_SECONDS}::int * interval '1 second'
        FROM due WHERE p."subscriptionId" = due."subscriptionId"
        RETURNING p."subscriptionId", p."start", p."attempts"
      )
      ${withCustomers(Prisma.raw('claimed'))}`;
    const started: string[] = [];
    await eachLimited(rows, CONCURRENCY, async (row) => {
      try {
        await this.startWorkflow(row);
        started.push(row.subscriptionId);
      } catch (error) {
        await this.failed(row, error);
      }
    });
    if (started.length > 0) await this.forget(started);
    return rows.length;
  }

  /** Their workflows have started: nothing is pending for them any more. */
  private async forget(subscriptionIds: string[]): Promise<void> {
    await this.deps.prisma.$executeRaw`DELETE FROM "SignUpStart" WHERE "subscriptionId" = ANY(${subscriptionIds})`;
  }

  private async startWorkflow(row: PendingRow): Promise<void> {
    const start: SubscriptionStart = {
      subscriptionId: row.subscriptionId,
      customer: { id: row.customerId, email: row.email, name: row.name, billing: billingProfileOf(row) },
      ...row.start,
    };
    try {
      await this.deps.temporal.workflow.start<SubscriptionWorkflow>(WORKFLOW_TYPES.subscription, subscriptionStartOptions(start, this.deps.taskQueue));
    } catch (error) {
      // Its id is taken by a workflow that has already ended: nothing is left to start.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  private async failed(row: PendingRow, error: unknown): Promise<void> {
    const delay = retryDelaySeconds(row.attempts);
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await this.deps.prisma.$executeRaw`
      UPDATE "SignUpStart" SET "nextAttemptAt" = now() + ${delay}::int * interval '1 second', "lastError" = ${message}
      WHERE "subscriptionId" = ${row.subscriptionId}`;
    this.failures = true;
  }

  /** Without a sweep (tests, benches), a timer looks again when the next failed start is due. */
  private async scheduleRetry(): Promise<void> {
    if (this.sweep || this.retry || this.closed || !this.failures) return;
    const [next] = await this.deps.prisma.$queryRaw<Array<{ ms: number | null }>>`
      SELECT (extract(epoch FROM min("nextAttemptAt") - now()) * 1000)::float8 AS "ms" FROM "SignUpStart"`;
    if (next?.ms === null || next?.ms === undefined) {
      this.failures = false;
      return;
    }
    this.retry = setTimeout(() => {
      this.retry = null;
      this.kick();
    }, Math.max(0, next.ms));
    this.retry.unref();
  }
}
