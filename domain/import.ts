// Subscriptions imported from another billing system (a spreadsheet, Stripe, Chargebee…): the
// customer has already paid there until `currentPeriodEnd`. The imported subscription opens active
// with that period as its current one, is not charged for it again, and renews when it ends, on
// the calendar that date anchors.
import type { Period } from './calendar';
import { billingPeriod, describeInterval } from './calendar';
import type { PlanSnapshot } from './plans';

/** The already-paid period that ends at `currentPeriodEnd`: one billing interval of the plan. */
export function importedPeriod(plan: Pick<PlanSnapshot, 'interval'>, currentPeriodEnd: string, timeZone = 'UTC'): Period {
  return billingPeriod(currentPeriodEnd, plan.interval, -1, timeZone);
}

/**
 * Why `currentPeriodEnd` cannot be imported at `now`, or null. It must be in the future (a period
 * that has ended is owed, not paid: create the subscription instead), and at most one interval
 * away (the period it ends has begun).
 */
export function importPeriodProblem(plan: Pick<PlanSnapshot, 'interval'>, currentPeriodEnd: string, now: Date, timeZone = 'UTC'): string | null {
  if (new Date(currentPeriodEnd).getTime() <= now.getTime()) {
    return 'must be in the future: the end of the period the customer has already paid for';
  }
  const period = importedPeriod(plan, currentPeriodEnd, timeZone);
  if (new Date(period.start).getTime() > now.getTime()) {
    return `must be at most one billing interval (${describeInterval(plan.interval)}) from now: the period it ends (from ${period.start}) has not begun`;
  }
  return null;
}
