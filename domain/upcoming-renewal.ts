// What the next renewal will charge, as the customer is shown it: the period invoice the workflow
// will issue when the current period ends, built by the same rules from the state as it is now
// (scheduled plan change, add-ons, discount, waiting lines and account credit included).
import { renewalInvoice } from './collection';
import { applyScheduledChange } from './plan-change';
import type { SubscriptionState } from './subscription';
import { advancePeriod } from './subscription';

export interface UpcomingRenewal {
  at: string;
  amountCents: number;
  currency: string;
  /** The plan it renews on: a scheduled change's, once the period ends. */
  planName: string;
}

/** Null when the period's end brings no charge: no renewal (ending, pausing) or one already overdue. */
export function upcomingRenewal(state: SubscriptionState): UpcomingRenewal | null {
  if (state.status !== 'active' && state.status !== 'trialing') return null;
  if (state.cancelAtPeriodEnd || state.pauseAtPeriodEnd || state.dunning || state.pendingPayment || !state.currentPeriodInvoiced) return null;
  const next = advancePeriod(applyScheduledChange(state).state);
  const { draft } = renewalInvoice(next, next.currentPeriod.start);
  return { at: next.currentPeriod.start, amountCents: draft.amountCents, currency: draft.currency, planName: next.plan.name };
}
