// Upsell offers. Rules are data (the OfferRule table, seeded from prisma/offer-rules.json and
// editable through the API), evaluated against facts about one subscription: its plan, its
// payment record and its usage. The first enabled rule that matches, by priority, becomes an
// offer: a target plan at a discount for some periods, open for some days. There is never more
// than one open offer, never one while payment is being recovered or the subscription is paused or
// ended, and after an offer is declined, expires or is accepted no new one comes until a cooldown
// has passed.
//
// The same rules also decide retention offers (domain/retention.ts): a rule whose `moment` is
// 'cancel' is evaluated when a customer asks to cancel, never at a renewal or a usage report.
import { describeInterval } from './calendar';
import type { ActiveDiscount } from './discounts';
import type { Effect, Transition } from './effects';
import { email, unchanged } from './effects';
import { effectiveQuota } from './add-ons';
import type { PlanSnapshot } from './plans';
import { monthlyAmountCents } from './plans';
import type { SubscriptionState } from './subscription';
import { update } from './subscription';
import type { UsageEvent } from './usage';
import { periodsAtRatio, recordUsage } from './usage';

export type RuleCondition =
  | { fact: 'product' | 'planCode' | 'interval' | 'currency'; equals?: string; in?: string[] }
  /** Only at the cancel moment: the reason the customer chose (a LEAVING_REASONS value). */
  | { fact: 'cancelReason'; in: string[] }
  | { fact: 'tier' | 'paidRenewals' | 'consecutivePaidRenewals' | 'failedPayments'; atLeast?: number; atMost?: number }
  | { usage: string; atLeastRatio: number; forPeriods: number }
  /**
   * The subscription holds at least `atLeast` (default 1) units of a catalogue add-on with this
   * code, or of custom lines that sell the catalogue product with this code (domain/custom-lines.ts).
   */
  | { holds: string; atLeast?: number };

/** Which plan an offer proposes, resolved against the catalogue when the rule fires. */
export type OfferTarget =
  | { kind: 'next_tier' }
  | { kind: 'annual' }
  | { kind: 'product'; product: string }
  /** Retention: stay on the plan the subscription has, at a discount. */
  | { kind: 'current_plan' }
  /** Retention: the next lower tier of the same interval, at a discount. */
  | { kind: 'lower_tier' };

/** When a rule is evaluated: at renewals and usage reports (upsell), or when a customer asks to cancel (retention). */
export type OfferMoment = 'renewal' | 'cancel';

export interface OfferRule {
  id: string;
  description: string;
  enabled: boolean;
  /** Absent means 'renewal'. */
  moment?: OfferMoment;
  /** Higher first. */
  priority: number;
  /** All must hold. */
  when: RuleCondition[];
  offer: { target: OfferTarget; percentOff: number; discountPeriods: number; expiresInDays: number };
  /** No new offer for this long after this one is declined, expires or is accepted. */
  cooldownDays: number;
}

export interface OpenOffer {
  id: string;
  ruleId: string;
  fromPlan: string;
  plan: PlanSnapshot;
  percentOff: number;
  discountPeriods: number;
  createdAt: string;
  expiresAt: string;
  cooldownDays: number;
  /** Extra monthly recurring revenue at list price if accepted. */
  mrrDeltaCents: number;
}

export type OfferOutcome = 'accepted' | 'declined' | 'expired';

export interface OfferHistory {
  made: number;
  cooldownUntil: string | null;
  /** When offers were last evaluated on a usage report (evaluation then runs at most daily). */
  lastUsageEvaluationAt: string | null;
}

export interface OfferFacts {
  product: string;
  planCode: string;
  interval: string;
  currency: string;
  tier: number;
  paidRenewals: number;
  consecutivePaidRenewals: number;
  failedPayments: number;
  /** The reason given for cancelling; null except at the cancel moment. */
  cancelReason: string | null;
  /** Per metric: how many periods in a row usage reached each ratio of the quota asked about. */
  usage: Record<string, Record<string, number>>;
  /** Units held per add-on code, and per product its custom lines sell. */
  held: Record<string, number>;
}

const DAY_MS = 86_400_000;

/** The rules evaluated at `moment`: a cancel-moment rule never makes an upsell offer, nor the reverse. */
export function rulesAt(rules: readonly OfferRule[], moment: OfferMoment): OfferRule[] {
  return rules.filter((rule) => (rule.moment ?? 'renewal') === moment);
}

/** Whether the subscription may receive an offer at all at `at`. */
export function canReceiveOffer(state: SubscriptionState, at: string): boolean {
  return (
    state.status === 'active' &&
    !state.offer &&
    !state.cancelAtPeriodEnd &&
    !state.pauseAtPeriodEnd &&
    !state.scheduledChange &&
    (!state.offers.cooldownUntil || state.offers.cooldownUntil <= at)
  );
}

/** The usage ratios the rules ask about, so facts can be computed without knowing rule syntax here. */
function usageQuestions(rules: readonly OfferRule[]): Array<{ metric: string; ratio: number }> {
  return rules.flatMap((rule) => rule.when.flatMap((c) => ('usage' in c ? [{ metric: c.usage, ratio: c.atLeastRatio }] : [])));
}

export function offerFacts(state: SubscriptionState, rules: readonly OfferRule[]): OfferFacts {
  const usage: OfferFacts['usage'] = {};
  for (const { metric, ratio } of usageQuestions(rules)) {
    const quota = effectiveQuota(state.plan, state.addOns, metric);
    (usage[metric] ??= {})[String(ratio)] = periodsAtRatio(state.usage, metric, quota, ratio);
  }
  return {
    product: state.plan.product,
    planCode: state.plan.code,
    interval: describeInterval(state.plan.interval),
    currency: state.plan.currency,
    tier: state.plan.tier,
    // Renewals: paid period invoices after the first.
    paidRenewals: Math.max(0, state.stats.paidPeriods - 1),
    consecutivePaidRenewals: Math.min(state.stats.consecutivePaidPeriods, Math.max(0, state.stats.paidPeriods - 1)),
    failedPayments: state.stats.failedPayments,
    cancelReason: null,
    usage,
    held: heldItems(state),
  };
}

/** Units held per add-on code, and per catalogue product sold by custom lines (a custom line's own code names nothing). */
function heldItems(state: SubscriptionState): Record<string, number> {
  const held: Record<string, number> = {};
  for (const addOn of state.addOns) {
    const key = addOn.custom ? addOn.custom.product : addOn.code;
    if (key !== undefined && addOn.quantity > 0) held[key] = (held[key] ?? 0) + addOn.quantity;
  }
  return held;
}

function holds(condition: RuleCondition, facts: OfferFacts): boolean {
  if ('holds' in condition) return (facts.held[condition.holds] ?? 0) >= (condition.atLeast ?? 1);
  if ('usage' in condition) {
    return (facts.usage[condition.usage]?.[String(condition.atLeastRatio)] ?? 0) >= condition.forPeriods;
  }
  const value = facts[condition.fact];
  if (value === null) return false;
  if (typeof value === 'string') {
    const c = condition as { equals?: string; in?: string[] };
    return (c.equals === undefined || value === c.equals) && (c.in === undefined || c.in.includes(value));
  }
  const c = condition as { atLeast?: number; atMost?: number };
  return (c.atLeast === undefined || value >= c.atLeast) && (c.atMost === undefined || value <= c.atMost);
}

/** Enabled rules whose conditions all hold, highest priority first. */
export function matchingRules(rules: readonly OfferRule[], facts: OfferFacts): OfferRule[] {
  return rules
    .filter((rule) => rule.enabled && rule.when.every((condition) => holds(condition, facts)))
    .sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
}

/** Which catalogue plan a target means for a subscription on `plan` (by product, tier and interval). */
export function resolveTarget(target: OfferTarget, plan: PlanSnapshot, catalogue: readonly PlanSnapshot[]): PlanSnapshot | null {
  const candidates = catalogue.filter((p) => p.currency === plan.currency && p.code !== plan.code);
  const sameInterval = (p: PlanSnapshot) => p.interval.unit === plan.interval.unit && p.interval.count === plan.interval.count;
  switch (target.kind) {
    case 'current_plan':
      return plan;
    case 'lower_tier':
      return candidates.filter((p) => p.tier < plan.tier && sameInterval(p)).sort((a, b) => b.tier - a.tier || a.code.localeCompare(b.code))[0] ?? null;
    case 'next_tier':
      return candidates.filter((p) => p.tier > plan.tier && sameInterval(p)).sort((a, b) => a.tier - b.tier)[0] ?? null;
    case 'annual':
      return plan.interval.unit === 'year' ? null : (candidates.find((p) => p.product === plan.product && p.interval.unit === 'year' && p.interval.count === 1) ?? null);
    case 'product':
      return candidates.find((p) => p.product === target.product && sameInterval(p)) ?? null;
  }
}

export function offerNumber(subscriptionId: string, sequence: number): string {
  return `OFR-${subscriptionId}-${String(sequence).padStart(4, '0')}`;
}

function offerRecord(offer: OpenOffer, status: 'open' | OfferOutcome, at: string, subscriptionId: string, currency: string): Effect {
  return { kind: 'offer', offer, status, at, subscriptionId, currency };
}

export function makeOffer(state: SubscriptionState, rule: OfferRule, plan: PlanSnapshot, at: string): Transition {
  const sequence = state.offers.made + 1;
  const offer: OpenOffer = {
    id: offerNumber(state.id, sequence),
    ruleId: rule.id,
    fromPlan: state.plan.code,
    plan,
    percentOff: rule.offer.percentOff,
    discountPeriods: rule.offer.discountPeriods,
    createdAt: at,
    expiresAt: new Date(new Date(at).getTime() + rule.offer.expiresInDays * DAY_MS).toISOString(),
    cooldownDays: rule.cooldownDays,
    mrrDeltaCents: offerMrrDelta(state.plan, { plan }),
  };
  const next = update(state, { offer, offers: { ...state.offers, made: sequence } });
  return {
    state: next,
    effects: [
      offerRecord(offer, 'open', at, state.id, state.plan.currency),
      email(next, offer.id, {
        template: 'offer',
        offerId: offer.id,
        fromPlan: state.plan.name,
        toPlan: plan.name,
        toPlanAmountCents: plan.amountCents,
        currency: plan.currency,
        interval: describeInterval(plan.interval),
        percentOff: offer.percentOff,
        discountPeriods: offer.discountPeriods,
        expiresAt: offer.expiresAt,
      }),
    ],
  };
}

/** Closes the open offer; accepted offers are applied by the plan-change path first. */
export function closeOffer(state: SubscriptionState, outcome: OfferOutcome, at: string): Transition {
  const offer = state.offer;
  if (!offer) return { state, effects: [] };
  const cooldownUntil = new Date(new Date(at).getTime() + offer.cooldownDays * DAY_MS).toISOString();
  const next = update(state, { offer: null, offers: { ...state.offers, cooldownUntil } });
  return { state: next, effects: [offerRecord(offer, outcome, at, state.id, offer.plan.currency)] };
}

export function offerDiscount(offer: OpenOffer): ActiveDiscount | null {
  if (offer.percentOff <= 0 || offer.discountPeriods <= 0) return null;
  return {
    source: 'offer',
    code: offer.id,
    name: `${offer.percentOff}% off ${offer.plan.name} for ${offer.discountPeriods} period${offer.discountPeriods === 1 ? '' : 's'}`,
    percentOff: offer.percentOff,
    amountOffCents: null,
    remainingPeriods: offer.discountPeriods,
  };
}

/** Extra monthly recurring revenue if `offer` is accepted, at list price. */
export function offerMrrDelta(fromPlan: PlanSnapshot, offer: Pick<OpenOffer, 'plan'>): number {
  return monthlyAmountCents(offer.plan) - monthlyAmountCents(fromPlan);
}

/** What the upsell rules (data, read by an activity) proposed for a subscription, if anything. */
export interface OfferDecision {
  rule: OfferRule;
  plan: PlanSnapshot;
}

/** The rules' answer: an offer, if the subscription may still receive one now. */
export function offerEvaluated(state: SubscriptionState, decision: OfferDecision | null, at: string): Transition {
  if (!decision || !canReceiveOffer(state, at)) return unchanged(state);
  return makeOffer(state, decision.rule, decision.plan, at);
}

/**
 * Usage is a fact, kept in a bounded summary without a new state version (no database write per
 * report). It is also a moment the upsell rules look at the subscription, at most once a day.
 */
export function usageReported(state: SubscriptionState, event: UsageEvent, at: string): Transition {
  const next: SubscriptionState = { ...state, usage: recordUsage(state.usage, state.periodIndex, event) };
  const last = next.offers.lastUsageEvaluationAt;
  if (!canReceiveOffer(next, at) || (last && new Date(at).getTime() - new Date(last).getTime() < DAY_MS)) return unchanged(next);
  return { state: update(next, { offers: { ...next.offers, lastUsageEvaluationAt: at } }), effects: [{ kind: 'evaluate_offers', at }] };
}
