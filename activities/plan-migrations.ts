// Bulk plan migrations: list the subscriptions on a plan a page at a time, leave out the excluded
// ones, ask the others (a signal each) and record every answer.
//
// Each subscription gets one item, created when it is first listed: `skipped` when the request
// excludes it, else `pending` until its workflow answers (`scheduled`, `skipped` or `failed`). The
// total and the counters move only in the transaction that creates or answers an item, so a
// retried activity, a repeated answer or a subscription listed twice counts once.
import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { MigrationOutcome, MigrationResult } from '../domain/plan-migration';
import { exclusionReason } from '../domain/plan-migration';
import { subscriptionWorkflowId } from '../domain/subscription';
import type { PlanSnapshot } from '../domain/plans';
import { toPlanSnapshot, toPlanSnapshotAt } from '../infra/plans';
import type { Plan, Prisma } from '../prisma/generated/client';
import { migratePlan } from '../workflows/contract';
import type { ActivityDeps } from './deps';
import type { ListingCursor } from './subscription-listing';
import { listRunningOnPlan, subscriptionIdOf } from './subscription-listing';

/** An item whose subscription was asked and has not answered yet. */
export const PENDING = 'pending';

export interface MigrationPageInput {
  migrationId: string;
  cursor: ListingCursor | null;
  pageSize: number;
  /** Workflow time, for the items this page records. */
  at: string;
}

export interface MigrationPage {
  /** Subscriptions this page listed for the first time. */
  added: number;
  next: ListingCursor | null;
}

export interface MigrationAnswer extends MigrationResult {
  migrationId: string;
  subscriptionId: string;
  at: string;
}

/** How long one call waits for the subscriptions' answers before the workflow calls again. */
const ANSWER_WAIT_MS = 30_000;
const ANSWER_POLL_MS = 200;

function counted(outcome: MigrationOutcome, by: number): Prisma.PlanMigrationUpdateInput {
  switch (outcome) {
    case 'scheduled':
      return { scheduled: { increment: by } };
    case 'skipped':
      return { skipped: { increment: by } };
    case 'failed':
      return { failed: { increment: by } };
  }
}

async function answer(tx: Prisma.TransactionClient, { migrationId, subscriptionId, outcome, reason, at }: MigrationAnswer): Promise<void> {
  const { count } = await tx.planMigrationItem.updateMany({
    where: { migrationId, subscriptionId, outcome: PENDING },
    data: { outcome, reason, at: new Date(at) },
  });
  if (count > 0) await tx.planMigration.update({ where: { id: migrationId }, data: counted(outcome, count) });
}

export function createPlanMigrationActivities({ prisma, temporal }: ActivityDeps) {
  const { client } = temporal;

  async function migrationRequest(migrationId: string) {
    const migration = await prisma.planMigration.findUnique({ where: { id: migrationId } });
    if (!migration) throw ApplicationFailure.nonRetryable(`plan migration ${migrationId} does not exist`, 'UnknownPlanMigration');
    const plan = await prisma.plan.findUnique({ where: { code: migration.toPlanCode } });
    if (!plan) throw ApplicationFailure.nonRetryable(`plan ${migration.toPlanCode} does not exist`, 'UnknownPlan');
    return { migration, request: { migrationId, fromPlanCode: migration.fromPlanCode, plan: await targetSnapshot(plan, migration.toPriceVersion) } };
  }

  /** The target at the migration's price version; a migration from before versions takes the plan's price of the moment. */
  async function targetSnapshot(plan: Plan, priceVersion: number | null): Promise<PlanSnapshot> {
    if (priceVersion === null) return toPlanSnapshot(plan);
    const version = await prisma.planPriceVersion.findUnique({ where: { planCode_version: { planCode: plan.code, version: priceVersion } } });
    if (!version) throw ApplicationFailure.nonRetryable(`plan ${plan.code} has no price version ${priceVersion}`, 'UnknownPlan');
    return toPlanSnapshotAt(plan, version);
  }

  return {
    /**
     * One page of the running subscriptions on the plan: new ones get their item (skipped when
     * excluded, else pending), and every pending one is signalled; it records its own answer.
     */
    async migratePlanPage(input: MigrationPageInput): Promise<MigrationPage> {
      const { migration, request } = await migrationRequest(input.migrationId);
      const page = await listRunningOnPlan(client, migration.fromPlanCode, input.cursor, input.pageSize);
      const ids = [...new Set(page.workflowIds.map(subscriptionIdOf))];
      const rows = await prisma.subscription.findMany({ where: { id: { in: ids } }, select: { id: true, grandfathered: true } });
      const at = new Date(input.at);
      const items = ids.map((subscriptionId) => {
        const row = rows.find((r) => r.id === subscriptionId);
        const reason = row ? exclusionReason(row, migration) : null;
        return { migrationId: migration.id, subscriptionId, outcome: reason ? 'skipped' : PENDING, reason, at };
      });

      const { added, pending } = await prisma.$transaction(async (tx) => {
        const skipped = await tx.planMigrationItem.createMany({ data: items.filter((i) => i.outcome === 'skipped'), skipDuplicates: true });
        const asked = await tx.planMigrationItem.createMany({ data: items.filter((i) => i.outcome === PENDING), skipDuplicates: true });
        await tx.planMigration.update({
          where: { id: migration.id },
          data: { total: { increment: skipped.count + asked.count }, skipped: { increment: skipped.count } },
        });
        return {
          added: skipped.count + asked.count,
          // Also those an earlier attempt of this activity recorded but may not have signalled.
          pending: await tx.planMigrationItem.findMany({ where: { migrationId: migration.id, subscriptionId: { in: ids }, outcome: PENDING } }),
        };
      });

      await Promise.all(
        pending.map(async ({ subscriptionId }) => {
          try {
            await client.workflow.getHandle(subscriptionWorkflowId(subscriptionId)).signal(migratePlan, request);
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            // Closed since it was listed: canceled or expired meanwhile.
            const ended = { migrationId: migration.id, subscriptionId, outcome: 'skipped', reason: 'the subscription has ended', at: input.at } as const;
            await prisma.$transaction((tx) => answer(tx, ended));
          }
        }),
      );
      return { added, next: page.next };
    },

    /** A subscription's answer (a local activity of the subscription workflow). */
    async recordPlanMigrationAnswer(input: MigrationAnswer): Promise<void> {
      await prisma.$transaction((tx) => answer(tx, input));
    },

    /** Whether every asked subscription has answered; waits up to ANSWER_WAIT_MS for it. */
    async awaitPlanMigrationAnswers(migrationId: string): Promise<boolean> {
      const deadline = Date.now() + ANSWER_WAIT_MS;
      for (;;) {
        const waiting = await prisma.planMigrationItem.count({ where: { migrationId, outcome: PENDING } });
        if (waiting === 0) return true;
        if (Date.now() > deadline) return false;
        heartbeat(waiting);
        await sleep(ANSWER_POLL_MS);
      }
    },

    async finishPlanMigration(input: { migrationId: string; status: 'completed' | 'failed'; at: string }): Promise<void> {
      await prisma.planMigration.updateMany({
        where: { id: input.migrationId, status: 'running' },
        data: { status: input.status, completedAt: new Date(input.at) },
      });
    },
  };
}
