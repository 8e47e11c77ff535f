// Retention offers: what a customer who asks to cancel is offered instead. They are offer rules
// (domain/offers.ts) whose moment is 'cancel', matched on the reason the customer chose besides the
// usual facts, and they offer either a discount on the current plan or the next lower tier at a
// discount. Nothing changes until the customer answers; each answer is recorded, and a rule makes
// no new offer to that subscription until its cooldown has passed. Never offered to a subscription
// that is not plainly active (past due, paused, already ending or pausing, a plan change waiting)
// or that already has a discount.
import type { CouponDefinition } from './discounts';
import { discountFromCoupon, discountLine } from './discounts';
import type { OfferRule } from './offers';
import { matchingRules, offerFacts, resolveTarget, rulesAt } from './offers';
import type { PlanSnapshot } from './plans';
import type { SubscriptionState } from './subscription';

/** Why a customer leaves: offered as choices in the portal, matched by retention rules. */
export const CANCEL_REASONS = ['too_expensive', 'missing_features', 'not_using', 'switching', 'other'] as const;
export type LeavingReason = (typeof CANCEL_REASONS)[number];

/** A customer's answer to a retention offer, as recorded. */
export interface RetentionAnswer {
  ruleId: string;
  outcome: 'accepted' | 'declined';
  answeredAt: string;
}

export interface RetentionOffer {
  ruleId: string;
  reason: LeavingReason;
  /** The plan the customer would stay on: the current one, or the lower tier. */
  plan: PlanSnapshot;
  /** True when staying means moving to `plan` (at the end of the current period). */
  planChanges: boolean;
  percentOff: number;
  discountPeriods: number;
}

const DAY_MS = 86_400_000;

/** Whether a subscription may be offered anything to stay. */
export function canReceiveRetentionOffer(state: SubscriptionState): boolean {
  return (
    state.status === 'active' &&
    state.dunning === null &&
    !state.cancelAtPeriodEnd &&
    !state.pauseAtPeriodEnd &&
    !state.scheduledChange &&
    !state.discount
  );
}

/** Whether `rule` answered for this subscription less than its cooldown before `at`. */
function coolingDown(rule: OfferRule, answers: readonly RetentionAnswer[], at: string): boolean {
  const now = new Date(at).getTime();
  return answers.some((answer) => answer.ruleId === rule.id && now - new Date(answer.answeredAt).getTime() < rule.cooldownDays * DAY_MS);
}

export interface RetentionQuestion {
  state: SubscriptionState;
  reason: LeavingReason;
  /** Every rule; only enabled rules with moment 'cancel' are considered. */
  rules: readonly OfferRule[];
  /** This subscription's earlier answers to retention offers. */
  answers: readonly RetentionAnswer[];
  /** Active plans a lower tier may be chosen from. */
  catalogue: readonly PlanSnapshot[];
  at: string;
}

/** The offer the highest-priority matching retention rule makes, or null: then the cancel goes ahead. */
export function retentionOffer({ state, reason, rules, answers, catalogue, at }: RetentionQuestion): RetentionOffer | null {
  if (!canReceiveRetentionOffer(state)) return null;
  const retention = rulesAt(rules, 'cancel');
  const facts = { ...offerFacts(state, retention), cancelReason: reason };
  for (const rule of matchingRules(retention, facts)) {
    if (coolingDown(rule, answers, at)) continue;
    const plan = resolveTarget(rule.offer.target, state.plan, catalogue);
    if (!plan) continue;
    return { ruleId: rule.id, reason, plan, planChanges: plan.code !== state.plan.code, percentOff: rule.offer.percentOff, discountPeriods: rule.offer.discountPeriods };
  }
  return null;
}

/** The coupon that carries the offer's discount, applied through the subscription's coupon command; null without one. */
export function retentionCoupon(offer: RetentionOffer): CouponDefinition | null {
  if (offer.percentOff <= 0 || offer.discountPeriods <= 0) return null;
  return {
    code: `retention-${offer.ruleId}`,
    name: `${offer.percentOff}% off ${offer.plan.name} for ${offer.discountPeriods} period${offer.discountPeriods === 1 ? '' : 's'}`,
    percentOff: offer.percentOff,
    amountOffCents: null,
    currency: null,
    duration: 'repeating',
    durationPeriods: offer.discountPeriods,
  };
}

/** What the offered plan costs a period while the discount lasts, and after it. */
export function retentionPrices(offer: RetentionOffer): { discountedCents: number; afterCents: number } {
  const coupon = retentionCoupon(offer);
  const off = coupon ? (discountLine(discountFromCoupon(coupon), offer.plan.amountCents)?.amountCents ?? 0) : 0;
  return { discountedCents: offer.plan.amountCents + off, afterCents: offer.plan.amountCents };
}
