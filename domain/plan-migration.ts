// Bulk plan migrations: every subscription on a plan moves to another at its next renewal, as a
// scheduled change. Each subscription decides for itself with the ordinary plan-change rules, so a
// migration can never do what a customer's own change could not.
//
// The target is a plan at one of its price versions. It may be the plan migrated from, at a newer
// version: subscriptions on an older version move to it, the others have nothing to do.
import { checkCommand, checkPriceVersionChange } from './commands';
import type { Transition } from './effects';
import { CommandRefusedError } from './errors';
import { schedulePlanChange } from './plan-change';
import type { PlanSnapshot } from './plans';
import type { SubscriptionState } from './subscription';
import { isEnded } from './subscription';

/** What a migration asks of one subscription. */
export interface PlanMigrationRequest {
  migrationId: string;
  /** The plan being migrated away from: a subscription that has left it meanwhile stays put. */
  fromPlanCode: string;
  /** The target, at the price version to move to. */
  plan: PlanSnapshot;
}

/**
 * scheduled: moves at its next renewal. skipped: left out on purpose, or leaving the plan anyway
 * (ended, canceling, already changing). failed: stays on the plan although it should have moved
 * (the lifecycle rules refuse the change now: past due, paused, add-ons the new plan cannot carry…).
 */
export type MigrationOutcome = 'scheduled' | 'skipped' | 'failed';

export interface MigrationResult {
  outcome: MigrationOutcome;
  reason: string | null;
}

/** A subscription's answer, recorded on the migration. */
export interface PlanMigrationAnswer extends MigrationResult {
  migrationId: string;
  subscriptionId: string;
  at: string;
}

/** Why the request leaves a subscription out before asking it, or null. */
export function exclusionReason(
  row: { id: string; grandfathered: boolean },
  options: { excludeGrandfathered: boolean; excludeIds: readonly string[] },
): string | null {
  if (options.excludeIds.includes(row.id)) return 'excluded by the request';
  if (options.excludeGrandfathered && row.grandfathered) return 'grandfathered';
  return null;
}

/** Why a subscription has nothing to migrate: it is leaving the plan anyway. */
function leavingReason(state: SubscriptionState, request: PlanMigrationRequest): string | null {
  if (isEnded(state)) return `the subscription has ended (${state.status.replace(/_/g, ' ')})`;
  if (state.plan.code !== request.fromPlanCode) return `the subscription is now on ${state.plan.code}`;
  if (state.cancelAtPeriodEnd) return 'the subscription cancels at period end';
  const scheduled = state.scheduledChange?.plan.code;
  // The customer's own pending choice wins over a bulk move.
  if (scheduled && scheduled !== request.plan.code) return `a change to ${scheduled} is already scheduled`;
  return null;
}

/**
 * The same plan at the same price version. Snapshots from before price versions have none, so
 * between them this is the plan code alone, as it always was.
 */
function samePrice(a: PlanSnapshot, b: PlanSnapshot): boolean {
  return a.code === b.code && a.priceVersion === b.priceVersion;
}

function describeVersion(version: number | undefined): string {
  return version === undefined ? 'the price from before price versions' : `price version ${version}`;
}

/** Why a subscription on the target plan itself stays at its price, or null: it is not on an older version. */
function priceVersionReason(state: SubscriptionState, request: PlanMigrationRequest): string | null {
  const on = state.plan.priceVersion;
  const to = request.plan.priceVersion;
  if ((on ?? 0) < (to ?? 0)) return null;
  return on === to ? `already on ${describeVersion(on)}` : `on ${describeVersion(on)}, newer than ${describeVersion(to)}`;
}

/** Scheduled, unless `check` refuses the move: then failed, with its reason. */
function scheduledUnlessRefused(check: () => void): MigrationResult {
  try {
    check();
  } catch (error) {
    if (error instanceof CommandRefusedError) return { outcome: 'failed', reason: error.message };
    throw error;
  }
  return { outcome: 'scheduled', reason: null };
}

/** What the subscription does with the request; a repeated request gives the same answer. */
export function decideMigration(state: SubscriptionState, request: PlanMigrationRequest, at: string): MigrationResult {
  const leaving = leavingReason(state, request);
  if (leaving) return { outcome: 'skipped', reason: leaving };
  if (state.scheduledChange && samePrice(state.scheduledChange.plan, request.plan)) return { outcome: 'scheduled', reason: null };
  if (request.plan.code === state.plan.code) {
    const staying = priceVersionReason(state, request);
    if (staying) return { outcome: 'skipped', reason: staying };
    return scheduledUnlessRefused(() => checkPriceVersionChange(state));
  }
  return scheduledUnlessRefused(() => checkCommand(state, { name: 'changePlan', input: { plan: request.plan, when: 'period_end' } }, at));
}

/**
 * A migration's request: the change is scheduled for the next renewal under the customer's own
 * rules, and the answer (with its reason) recorded on the migration. A signal has no caller to
 * refuse, so a refusal is an answer, never a failure.
 */
export function migratePlan(state: SubscriptionState, request: PlanMigrationRequest, at: string): Transition {
  const decided = decideMigration(state, request, at);
  const schedule = decided.outcome === 'scheduled' && !(state.scheduledChange && samePrice(state.scheduledChange.plan, request.plan));
  return {
    state: schedule ? schedulePlanChange(state, request.plan, at) : state,
    effects: [{ kind: 'migration_answer', answer: { migrationId: request.migrationId, subscriptionId: state.id, ...decided, at } }],
  };
}

export function planMigrationWorkflowId(migrationId: string): string {
  return `plan-migration-${migrationId}`;
}
