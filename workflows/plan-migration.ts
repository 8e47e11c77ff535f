// A bulk plan migration (workflow id `plan-migration-<id>`): lists the running subscription
// workflows on a plan a page at a time (visibility, PlanCode), asks each to move at its next
// renewal (the migratePlan signal), and waits until every one has answered.
//
// Visibility lists runs, newest first. A subscription that continues-as-new while the migration
// pages reappears as a new run at the head of the list, behind the cursor; so once a pass has its
// answers, the migration lists again and asks only the subscriptions it has not seen, until a pass
// finds none.
import * as wf from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PlanMigrationInput, PlanMigrationProgress } from './contract';

const migration = wf.proxyActivities<ReturnType<typeof createActivities>>({
  // awaitPlanMigrationAnswers waits up to 30 s for answers.
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: ['UnknownPlanMigration', 'UnknownPlan'],
  },
});

/** Passes over the list at most: the first, and catch-ups for subscriptions that moved under it. */
const MAX_PASSES = 3;

export async function planMigrationWorkflow(input: PlanMigrationInput): Promise<void> {
  const { migrationId } = input;
  const pageSize = input.pageSize ?? 100;
  const stepsPerRun = input.stepsPerRun ?? 50;
  let progress: PlanMigrationProgress = input.progress ?? { pass: 1, cursor: null, added: 0, listed: false };
  const now = () => new Date().toISOString();
  try {
    for (let steps = 0; ; steps += 1) {
      if (steps === stepsPerRun || wf.workflowInfo().continueAsNewSuggested) {
        return await wf.continueAsNew<typeof planMigrationWorkflow>({ ...input, progress });
      }
      if (!progress.listed) {
        const page = await migration.migratePlanPage({ migrationId, cursor: progress.cursor, pageSize, at: now() });
        progress = { ...progress, cursor: page.next, added: progress.added + page.added, listed: page.next === null };
        continue;
      }
      if (!(await migration.awaitPlanMigrationAnswers(migrationId))) continue;
      if (progress.added === 0 || progress.pass === MAX_PASSES) break;
      progress = { pass: progress.pass + 1, cursor: null, added: 0, listed: false };
    }
    await migration.finishPlanMigration({ migrationId, status: 'completed', at: now() });
  } catch (error) {
    if (error instanceof wf.ContinueAsNew) throw error;
    // Failed or canceled: the record says so (also when the cancellation reached this scope).
    await wf.CancellationScope.nonCancellable(() => migration.finishPlanMigration({ migrationId, status: 'failed', at: now() }));
    throw error;
  }
}
