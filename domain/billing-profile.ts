// A customer's billing profile reaches each of their subscriptions by signal; invoices finalized
// after it arrives use it, issued ones keep the profile they were taxed for.
import type { Transition } from './effects';
import { unchanged } from './effects';
import type { SubscriptionState } from './subscription';
import { update } from './subscription';
import type { BillingProfile } from './tax/types';

/** Takes `profile` unless the subscription already has this version or a later one (signals may cross). */
export function billingProfileChanged(state: SubscriptionState, profile: BillingProfile): Transition {
  const current = state.customer.billing;
  if (current && current.version >= profile.version) return unchanged(state);
  return { state: update(state, { customer: { ...state.customer, billing: profile } }), effects: [] };
}
