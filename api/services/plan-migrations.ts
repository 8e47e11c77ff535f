// Bulk plan migrations for product teams: every subscription on a plan moves to another plan, or to
// another price version of the same plan, at its next renewal (workflows/plan-migration.ts does the
// work). Checked here before anything starts: both plans and the price version exist, the target is
// on sale and bills in the same currency. The target's version is fixed now: a price change while
// the migration runs does not change what it moves subscriptions to.
import { randomBytes } from 'node:crypto';
import { planMigrationWorkflowId } from '../../domain/plan-migration';
import type { PlanMigration, PlanMigrationItem } from '../../prisma/generated/client';
import type { PlanMigrationInput, PlanMigrationWorkflow } from '../../workflows/contract';
import { WORKFLOW_TYPES } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound } from '../problem';
import type { PlanMigrationQuery, StartPlanMigrationBody } from '../schemas/plan-migrations';
import { subscriptionId } from '../schemas/subscriptions';
import type { Page } from './pagination';
import { isoOrNull } from '../../infra/row-json';

/** Paging knobs of the migration workflow (tests use small pages to cross page boundaries). */
export type MigrationTuning = Pick<PlanMigrationInput, 'pageSize' | 'stepsPerRun'>;

function migrationView(row: PlanMigration) {
  return {
    id: row.id,
    fromPlan: row.fromPlanCode,
    toPlan: row.toPlanCode,
    /** Null on migrations from before price versions: they moved to the plan's price of the moment. */
    toVersion: row.toPriceVersion,
    excludeGrandfathered: row.excludeGrandfathered,
    excludeSubscriptionIds: row.excludeIds,
    status: row.status,
    total: row.total,
    scheduled: row.scheduled,
    skipped: row.skipped,
    failed: row.failed,
    /** Asked, not answered yet. */
    pending: row.total - row.scheduled - row.skipped - row.failed,
    createdAt: row.createdAt.toISOString(),
    completedAt: isoOrNull(row.completedAt),
  };
}

const itemView = (item: PlanMigrationItem) => ({ subscriptionId: item.subscriptionId, outcome: item.outcome, reason: item.reason, at: item.at.toISOString() });

export async function startPlanMigration(deps: ApiDeps, fromCode: string, body: StartPlanMigrationBody, tuning: MigrationTuning = {}) {
  const { prisma } = deps;
  const from = await prisma.plan.findUnique({ where: { code: fromCode } });
  if (!from) throw notFound(`plan ${fromCode} does not exist`);
  const toCode = body.toPlan ?? from.code;
  if (toCode === from.code && body.toVersion === undefined) {
    throw invalid([{ field: 'toPlan', message: 'must be another plan than the one migrated from, or come with a price version (toVersion)' }]);
  }
  const to = toCode === from.code ? from : await prisma.plan.findUnique({ where: { code: toCode } });
  if (!to) throw invalid([{ field: 'toPlan', message: `unknown plan "${toCode}"` }]);
  const toVersion = body.toVersion ?? to.priceVersion;
  const version = await prisma.planPriceVersion.findUnique({ where: { planCode_version: { planCode: to.code, version: toVersion } } });
  if (!version) throw invalid([{ field: 'toVersion', message: `${to.code} has no price version ${toVersion} (its current one is ${to.priceVersion})` }]);
  if (!to.active) throw conflict(`plan ${to.code} is no longer offered`);
  if (to.currency !== from.currency) throw conflict(`${to.code} is billed in ${to.currency}; ${from.code} is billed in ${from.currency}`);
  // Two migrations from one plan would ask the same subscriptions for different things.
  const running = await prisma.planMigration.findFirst({ where: { fromPlanCode: from.code, status: 'running' } });
  if (running) throw conflict(`migration ${running.id} from ${from.code} is still running`, { migrationId: running.id });

  const id = `pmg_${randomBytes(8).toString('hex')}`;
  const row = await prisma.planMigration.create({
    data: {
      id,
      fromPlanCode: from.code,
      toPlanCode: to.code,
      toPriceVersion: toVersion,
      excludeGrandfathered: body.excludeGrandfathered,
      excludeIds: body.excludeSubscriptionIds,
      createdAt: await deps.clock(),
    },
  });
  try {
    await deps.temporal.workflow.start<PlanMigrationWorkflow>(WORKFLOW_TYPES.planMigration, {
      workflowId: planMigrationWorkflowId(id),
      taskQueue: deps.taskQueue,
      args: [{ migrationId: id, ...tuning }],
      staticSummary: `Move every subscription on ${from.code} to ${to.code} at price version ${toVersion} at its next renewal`,
    });
  } catch (error) {
    // Nothing will run it: the record must not claim it is running.
    await prisma.planMigration.update({ where: { id }, data: { status: 'failed', completedAt: await deps.clock() } });
    throw error;
  }
  return migrationView(row);
}

function decodeItemCursor(raw: string): string {
  const parsed = subscriptionId.safeParse(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!parsed.success) throw invalid([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  return parsed.data;
}

/** The migration's progress and counts, and its items in subscription id order. */
export async function getPlanMigration({ prisma }: ApiDeps, id: string, query: PlanMigrationQuery) {
  const migration = await prisma.planMigration.findUnique({ where: { id } });
  if (!migration) throw notFound(`plan migration ${id} does not exist`);
  const after = query.cursor ? decodeItemCursor(query.cursor) : null;
  const rows = await prisma.planMigrationItem.findMany({
    where: { migrationId: id, ...(query.outcome ? { outcome: query.outcome } : {}), ...(after ? { subscriptionId: { gt: after } } : {}) },
    orderBy: { subscriptionId: 'asc' },
    take: query.limit + 1,
  });
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  const items: Page<ReturnType<typeof itemView>> = {
    data: shown.map(itemView),
    nextCursor: rows.length > query.limit && last ? Buffer.from(last.subscriptionId).toString('base64url') : null,
  };
  return { ...migrationView(migration), items };
}
