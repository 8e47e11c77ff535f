// Plan changes. Upgrades apply now by default: the unused part of the current plan is credited
// and the rest of the period on the new plan is charged, each prorated to the second. Downgrades
// apply at period end by default (a scheduled change that can be dropped). A change of billing
// interval (monthly → yearly) starts a new period at the change, as Stripe does.
//
// The credit is always for the plan in effect at the moment of the change, never the plan the
// period was first billed on, so changing twice in a period cannot credit the same time twice.
import type { SubscriptionAddOn } from './add-ons';
import { addOnCredits, addOnLines, repriceFor } from './add-ons';
import type { Period } from './calendar';
import { describeInterval, periodBoundary } from './calendar';
import type { ChangePlanCommand, Timing } from './commands';
import { afterPeriodInvoice, discountLine } from './discounts';
import type { Effect, Transition } from './effects';
import { email } from './effects';
import type { BuiltInvoice, InvoiceLineDraft } from './invoice';
import { buildInvoice, invoiceNumber, planLine } from './invoice';
import type { PlanSnapshot } from './plans';
import { describeSpan, prorate } from './proration';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { calendarPeriod, reanchor, update } from './subscription';

const APPROXIMATE_DAYS = { second: 1 / 86_400, day: 1, week: 7, month: 30.436875, year: 365.2425 } as const;

function pricePerDay(plan: PlanSnapshot): number {
  return plan.amountCents / (APPROXIMATE_DAYS[plan.interval.unit] * plan.interval.count);
}

/** A higher tier, or the same tier at a higher price per day. */
export function isUpgrade(from: PlanSnapshot, to: PlanSnapshot): boolean {
  return to.tier > from.tier || (to.tier === from.tier && pricePerDay(to) > pricePerDay(from));
}

function sameInterval(a: PlanSnapshot, b: PlanSnapshot): boolean {
  return a.interval.unit === b.interval.unit && a.interval.count === b.interval.count;
}

export interface PlanChangeQuote {
  from: PlanSnapshot;
  to: PlanSnapshot;
  /** The add-ons as priced for the new plan's interval. */
  addOns: SubscriptionAddOn[];
  /** Whether the change's invoice used a period of the running discount. */
  discounted: boolean;
  timing: Timing;
  effectiveAt: string;
  /** The invoice a change now issues (null when nothing is billed: trials, changes at period end). */
  invoice: BuiltInvoice | null;
  /** Set when the change starts a new billing period (interval change). */
  newPeriod: Period | null;
}

/** What changing to `command.plan` at `at` would do, without doing it. */
export function quotePlanChange(state: SubscriptionState, command: ChangePlanCommand, at: string): PlanChangeQuote {
  const from = state.plan;
  const to = command.plan;
  const addOns = repricedAddOns(state, to);
  const base = { from, to, addOns, discounted: false };
  // During a trial nothing has been billed: the plan simply changes.
  if (state.status === 'trialing') return { ...base, timing: 'now', effectiveAt: at, invoice: null, newPeriod: null };
  const timing = command.when ?? (isUpgrade(from, to) ? 'now' : 'period_end');
  if (timing === 'period_end') {
    return { ...base, timing, effectiveAt: state.currentPeriod.end, invoice: null, newPeriod: null };
  }

  const period = calendarPeriod(state);
  const span = describeSpan(period, at);
  const credit: InvoiceLineDraft = {
    kind: 'proration_credit',
    description: `Unused time on ${from.name}, ${span}`,
    quantity: 1,
    amountCents: -prorate(from.amountCents, period, at),
    periodStart: at,
    periodEnd: period.end,
  };
  const newPeriod = sameInterval(from, to)
    ? null
    : { start: at, end: periodBoundary(at, to.interval, 1, state.timeZone).toISOString() };
  let lines: InvoiceLineDraft[];
  let discounted = false;
  if (newPeriod) {
    // A new billing period starts: every recurring charge of the old one is credited for its unused
    // time, and the new period is billed in full (with the running discount, as a period invoice).
    const recurring = [planLine(to, newPeriod), ...addOnLines(addOns, newPeriod, newPeriod)];
    const discount = state.discount ? discountLine(state.discount, recurring.reduce((sum, line) => sum + line.amountCents, 0)) : null;
    discounted = discount !== null;
    lines = [credit, ...addOnCredits(state.addOns, period, at), ...recurring, ...(discount ? [discount] : [])];
  } else {
    lines = [
      credit,
      {
        kind: 'proration_charge',
        description: `Remaining time on ${to.name}, ${span}`,
        quantity: 1,
        amountCents: prorate(to.amountCents, period, at),
        periodStart: at,
        periodEnd: period.end,
      },
    ];
  }
  const invoice = buildInvoice(
    {
      number: invoiceNumber(state.id, state.invoiceCount + 1),
      subscriptionId: state.id,
      customerId: state.customer.id,
      periodIndex: newPeriod ? state.periodIndex + 1 : null,
      billingReason: 'subscription_update',
      period: newPeriod ?? { start: at, end: period.end },
      currency: to.currency,
      issuedAt: at,
    },
    lines,
    state.creditBalanceCents,
  );
  return { ...base, discounted, timing, effectiveAt: at, invoice, newPeriod };
}

/** Add-ons priced for `plan`; unchanged when the interval is (checkCommand refuses the impossible). */
function repricedAddOns(state: SubscriptionState, plan: PlanSnapshot): SubscriptionAddOn[] {
  if (sameInterval(state.plan, plan)) return state.addOns;
  return state.addOns.map((addOn) => {
    const repriced = repriceFor(addOn, plan);
    return typeof repriced === 'string' ? addOn : repriced;
  });
}

/** Why the add-ons cannot follow a change to `plan`, or null. */
export function addOnsRefusal(state: SubscriptionState, plan: PlanSnapshot): string | null {
  if (sameInterval(state.plan, plan)) return null;
  for (const addOn of state.addOns) {
    const repriced = repriceFor(addOn, plan);
    if (typeof repriced === 'string') return repriced;
  }
  return null;
}

function changedEmail(state: SubscriptionState, from: PlanSnapshot, effectiveAt: string, invoiceNumber: string | null): Effect {
  return email(state, `${state.version}`, {
    template: 'plan_changed',
    fromPlan: from.name,
    toPlan: state.plan.name,
    amountCents: state.plan.amountCents,
    currency: state.plan.currency,
    interval: describeInterval(state.plan.interval),
    effectiveAt,
    invoiceNumber,
  });
}

/** Applies a change now, once its invoice (if any) is paid. */
export function applyPlanChangeNow(state: SubscriptionState, quote: PlanChangeQuote, invoice: InvoiceSummary | null): Transition {
  const base = quote.newPeriod ? reanchor(state, quote.effectiveAt, quote.to) : update(state, { plan: quote.to });
  const next = update(base, {
    scheduledChange: null,
    addOns: quote.addOns,
    discount: quote.discounted && state.discount ? afterPeriodInvoice(state.discount) : state.discount,
    ...(quote.invoice && invoice
      ? {
          invoiceCount: state.invoiceCount + 1,
          creditBalanceCents: quote.invoice.creditBalanceCents,
          latestInvoice: invoice,
          currentPeriodInvoiced: true,
        }
      : {}),
  });
  return { state: next, effects: [changedEmail(next, quote.from, quote.effectiveAt, invoice?.number ?? null)] };
}

export function schedulePlanChange(state: SubscriptionState, plan: PlanSnapshot, at: string): SubscriptionState {
  return update(state, { scheduledChange: { plan, requestedAt: at } });
}

/**
 * At period end, before the next period begins: the scheduled plan takes over. A new interval
 * anchors the calendar at this boundary, so the next period has the new plan's length.
 */
export function applyScheduledChange(state: SubscriptionState): Transition {
  const change = state.scheduledChange;
  if (!change) return { state, effects: [] };
  const from = state.plan;
  const at = state.currentPeriod.end;
  const next = update(state, {
    plan: change.plan,
    scheduledChange: null,
    addOns: repricedAddOns(state, change.plan),
    ...(sameInterval(from, change.plan) ? {} : { anchor: at, anchorPeriodIndex: state.periodIndex + 1 }),
  });
  return { state: next, effects: [changedEmail(next, from, at, null)] };
}
