// Builders for the add-on, discount, usage and offer tests: catalogue look-ups by code, plans the
// catalogue does not sell (to reach refusals), and renewals run through the domain's own steps.
import { ADD_ON_CATALOGUE, type AddOnDefinition } from '../../domain/add-ons';
import { paymentSucceeded } from '../../domain/collection';
import { COUPON_CATALOGUE, type CouponDefinition } from '../../domain/discounts';
import type { PlanSnapshot } from '../../domain/plans';
import { periodEnded } from '../../domain/renewal';
import type { SubscriptionState } from '../../domain/subscription';
import { recordUsage, type UsageEvent } from '../../domain/usage';
import { bill, plan } from './fixtures';

export function addOn(code: string): AddOnDefinition {
  const found = ADD_ON_CATALOGUE.find((a) => a.code === code);
  if (!found) throw new Error(`no add-on ${code} in the catalogue`);
  return found;
}

export function coupon(code: string): CouponDefinition {
  const found = COUPON_CATALOGUE.find((c) => c.code === code);
  if (!found) throw new Error(`no coupon ${code} in the catalogue`);
  return found;
}

/** A catalogue plan with some fields changed (another currency, a weekly interval…). */
export function planLike(code: string, patch: Partial<PlanSnapshot>): PlanSnapshot {
  return { ...plan(code), ...patch };
}

/** The current period ends, the next one is billed at its start and paid at once. */
export function renewPaid(state: SubscriptionState): SubscriptionState {
  const next = periodEnded(state).state;
  const at = next.currentPeriod.start;
  const billed = bill(next, at);
  return paymentSucceeded(billed.state, billed.invoice, at).state;
}

export function renewPaidTimes(state: SubscriptionState, times: number): SubscriptionState {
  let current = state;
  for (let i = 0; i < times; i += 1) current = renewPaid(current);
  return current;
}

/** A usage report recorded in the subscription's current period (as the workflow's signal handler does). */
export function report(state: SubscriptionState, event: UsageEvent): SubscriptionState {
  return { ...state, usage: recordUsage(state.usage, state.periodIndex, event) };
}

/** Reports the level of `metric` (seats in use, GB stored) in the current period. */
export function level(state: SubscriptionState, metric: string, quantity: number): SubscriptionState {
  return report(state, { metric, quantity, mode: 'set' });
}
