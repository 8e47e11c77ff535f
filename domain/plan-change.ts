// Plan changes. Upgrades apply now by default: the unused part of the current plan is credited
// and the rest of the period on the new plan is charged, each prorated to the second. Downgrades
// apply at period end by default (a scheduled change that can be dropped). A change of billing
// interval (monthly → yearly) starts a new period at the change, as Stripe does.
//
// The credit is always for the plan in effect at the moment of the change, never the plan the
// period was first billed on, so changing twice in a period cannot credit the same time twice; it
// is valued at what was paid for that time and never exceeds what is left of the period's payment
// (domain/credit.ts).
import type { SubscriptionAddOn } from './add-ons';
import { addOnLines, describeAddOn, repriceFor } from './add-ons';
import type { Period } from './calendar';
import { describeInterval, periodBoundary } from './calendar';
import { chargeOf } from './charges';
import type { ChangePlanCommand, Timing } from './commands';
import type { PeriodAccount } from './credit';
import { capped, closeUnpaidInvoice, currentAccount, FULL_RATE, invoiceCreditEntries, openAccount, paidRate, unusedValue } from './credit';
import { afterPeriodInvoice, discountLines } from './discounts';
import type { Effect, Transition } from './effects';
import { email, then, unchanged } from './effects';
import type { BuiltInvoice, InvoiceLineDraft } from './invoice';
import { buildInvoice, invoiceNumber, issuedSummary, paidValueCode, planLine, taxContextOf } from './invoice';
import type { ServiceLines } from './invoice';
import type { TaxCode } from './tax/types';
import { closeOffer, offerDiscount } from './offers';
import type { FinalChargeResult } from './payments';
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
  /** Within the period: the credit for the old plan's unused time, and the charge for the new plan's rest. */
  creditCents: number;
  chargeCents: number;
}

/** What changing to `command.plan` at `at` would do, without doing it. */
export function quotePlanChange(state: SubscriptionState, command: ChangePlanCommand, at: string): PlanChangeQuote {
  const from = state.plan;
  const to = command.plan;
  const addOns = repricedAddOns(state, to);
  const base = { from, to, addOns, discounted: false, creditCents: 0, chargeCents: 0 };
  // During a trial nothing has been billed: the plan simply changes.
  if (state.status === 'trialing') return { ...base, timing: 'now', effectiveAt: at, invoice: null, newPeriod: null };
  const timing = command.when ?? (isUpgrade(from, to) ? 'now' : 'period_end');
  if (timing === 'period_end') {
    return { ...base, timing, effectiveAt: state.currentPeriod.end, invoice: null, newPeriod: null };
  }

  const period = calendarPeriod(state);
  const span = describeSpan(period, at);
  // Valued at what was paid, VAT included (paidValueCode).
  const unusedLine = (description: string, itemName: string, tax: TaxCode | undefined, quantity: number, amountCents: number): InvoiceLineDraft[] =>
    amountCents > 0
      ? [{ kind: 'proration_credit', description: `Unused time on ${description}, ${span}`, quantity, amountCents: -amountCents, periodStart: at, periodEnd: period.end, itemName, tax: paidValueCode(tax) }]
      : [];
  const newPeriod = sameInterval(from, to)
    ? null
    : { start: at, end: periodBoundary(at, to.interval, 1, state.timeZone).toISOString() };
  let lines: InvoiceLineDraft[];
  let discounted = false;
  let service: ServiceLines | null = null;
  let creditCents: number;
  let chargeCents = 0;
  if (newPeriod) {
    // A new billing period starts: every recurring charge of the old one is credited for what was
    // paid for its unused time, and the new period is billed in full (with the running discount,
    // as a period invoice).
    const [planCredit = 0, ...addOnCredits] = capped(state, [
      unusedValue(state, from.amountCents, 'plan', at),
      ...state.addOns.map((addOn) => unusedValue(state, addOn.unitAmountCents * addOn.quantity, 'addOns', at)),
    ]);
    const recurring = [planLine(to, newPeriod), ...addOnLines(addOns, newPeriod, newPeriod)];
    const listCents = recurring.reduce((sum, line) => sum + line.amountCents, 0);
    const discount = state.discount ? discountLines(state.discount, recurring) : [];
    discounted = discount.length > 0;
    service = { periodIndex: state.periodIndex + 1, listCents, lines: [...recurring, ...discount] };
    creditCents = planCredit + addOnCredits.reduce((sum, amount) => sum + amount, 0);
    lines = [
      ...unusedLine(from.name, from.name, from.tax, 1, planCredit),
      ...state.addOns.flatMap((addOn, index) => unusedLine(describeAddOn(addOn, addOn.quantity), addOn.name, addOn.tax, addOn.quantity, addOnCredits[index] ?? 0)),
      ...recurring,
      ...discount,
    ];
  } else {
    [creditCents = 0] = capped(state, [unusedValue(state, from.amountCents, 'plan', at)]);
    chargeCents = prorate(to.amountCents, period, at);
    lines = [
      ...unusedLine(from.name, from.name, from.tax, 1, creditCents),
      { kind: 'proration_charge', description: `Remaining time on ${to.name}, ${span}`, quantity: 1, amountCents: chargeCents, periodStart: at, periodEnd: period.end, itemName: to.name, tax: to.tax },
    ];
  }
  const invoice = buildInvoice(
    {
      number: invoiceNumber(state.id, state.invoiceCount + 1),
      subscriptionId: state.id,
      customerId: state.customer.id,
      // Keyed on its own number: it becomes the new period's invoice only once paid, so a declined
      // change reserves nothing.
      periodIndex: null,
      billingReason: 'subscription_update',
      period: newPeriod ?? { start: at, end: period.end },
      currency: to.currency,
      issuedAt: at,
    },
    taxContextOf(state, at),
    lines,
    state.creditBalanceCents,
    service,
  );
  return { ...base, discounted, timing, effectiveAt: at, invoice, newPeriod, creditCents, chargeCents };
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
    ...(from.code === state.plan.code ? { repriced: true as const } : {}),
  });
}

/** A change now waiting for its invoice to be paid: what applies once it is. */
export interface PlanChangeCharge {
  quote: Omit<PlanChangeQuote, 'invoice'>;
  /** The accepted offer the change comes from, if any. */
  offerId: string | null;
}

/** Changes plan as `input` asks: scheduled for period end, applied now, or billed now and applied once paid. */
export function changePlan(state: SubscriptionState, input: ChangePlanCommand, at: string, offerId: string | null = null): Transition {
  const quote = quotePlanChange(state, input, at);
  const reply = { timing: quote.timing, effectiveAt: quote.effectiveAt, invoice: null };
  if (quote.timing === 'period_end') {
    return { ...closeOpenOffer(schedulePlanChange(state, input.plan, at), offerId, at), reply };
  }
  const { invoice: built, ...rest } = quote;
  if (!built) return { ...applyPlanChangeNow(state, { quote: rest, offerId }, null, at), reply };
  const invoice = issuedSummary(built);
  const next = update(state, { invoiceCount: state.invoiceCount + 1, creditBalanceCents: built.creditBalanceCents });
  return {
    state: next,
    effects: [
      { kind: 'issue_invoice', draft: built.draft, credit: invoiceCreditEntries(next, built.draft, state.creditBalanceCents) },
      chargeOf(next, invoice, at, { kind: 'plan_change', change: { quote: rest, offerId } }, rest.newPeriod ? state.periodIndex + 1 : null),
    ],
    reply,
  };
}

/**
 * The outcome of a change's charge. Paid: the change applies. Declined: nothing changes (Stripe's
 * pending-if-incomplete), the invoice is voided and the credit it used given back, and the command
 * answers 402.
 */
export function settlePlanChange(state: SubscriptionState, change: PlanChangeCharge, invoice: InvoiceSummary, result: FinalChargeResult, at: string): Transition {
  if (result.outcome === 'declined') {
    const voided = closeUnpaidInvoice(state, invoice, 'void', at);
    return {
      ...voided,
      effects: [
        ...voided.effects,
        {
          kind: 'refuse',
          failure: {
            type: 'PaymentDeclinedError',
            message: `the plan change was not applied: ${result.message}`,
            details: { invoiceNumber: invoice.number, declineCode: result.declineCode },
          },
        },
      ],
      reply: { invoice: { ...invoice, status: 'void' } },
    };
  }
  const paid: InvoiceSummary = {
    ...invoice,
    status: 'paid',
    paidAt: at,
    periodIndex: change.quote.newPeriod ? state.periodIndex + 1 : invoice.periodIndex,
  };
  const applied = applyPlanChangeNow(state, change, paid, at);
  return then(applied, (next) => ({
    state: next,
    effects: [email(next, paid.number, { template: 'receipt', invoiceNumber: paid.number, amountCents: paid.amountCents, currency: paid.currency, paidAt: at })],
    reply: { invoice: paid },
  }));
}

/** Applies a change now, once its invoice (if any) is paid. */
export function applyPlanChangeNow(state: SubscriptionState, change: PlanChangeCharge, invoice: InvoiceSummary | null, at: string): Transition {
  const { quote } = change;
  const base = quote.newPeriod ? reanchor(state, quote.effectiveAt, quote.to) : update(state, { plan: quote.to });
  const service = invoice?.service;
  const account = !invoice
    ? base.account
    : quote.newPeriod && service
      ? openAccount(service.periodIndex, service.netCents, paidRate(service.grossCents, service.netCents), { invoiceNumber: invoice.number, amountCents: invoice.amountCents })
      : withinPeriod(currentAccount(state), quote, invoice);
  const next = update(base, {
    scheduledChange: null,
    addOns: quote.addOns,
    discount: quote.discounted && state.discount ? afterPeriodInvoice(state.discount) : state.discount,
    account,
    ...(invoice ? { latestInvoice: invoice, currentPeriodInvoiced: true } : {}),
  });
  return then({ state: next, effects: [changedEmail(next, quote.from, quote.effectiveAt, invoice?.number ?? null)] }, (s) => closeOpenOffer(s, change.offerId, at));
}

/** The period's account after a change within it was paid: the old plan's credit went back, the new plan is paid at list price. */
function withinPeriod(account: PeriodAccount | null, quote: PlanChangeCharge['quote'], invoice: InvoiceSummary): PeriodAccount | null {
  if (!account) return null;
  return {
    ...account,
    paidCents: account.paidCents + quote.chargeCents,
    returnedCents: account.returnedCents + quote.creditCents,
    rates: { ...account.rates, plan: FULL_RATE },
    charges: invoice.amountCents > 0 ? [...account.charges, { invoiceNumber: invoice.number, amountCents: invoice.amountCents, refundedCents: 0 }] : account.charges,
  };
}

/** An open offer was for the plan the customer had: a change closes it, as accepted when it is the offer's own. */
function closeOpenOffer(state: SubscriptionState, offerId: string | null, at: string): Transition {
  const offer = state.offer;
  if (!offer) return unchanged(state);
  if (offer.id !== offerId) return closeOffer(state, 'expired', at);
  const discounted = update(state, { discount: offerDiscount(offer) ?? state.discount });
  return closeOffer(discounted, 'accepted', at);
}

/** Accepts the open offer: its plan, now, prorated; its discount on the following period invoices. */
export function acceptOffer(state: SubscriptionState, at: string): Transition {
  const offer = state.offer;
  if (!offer) return unchanged(state);
  return changePlan(state, { plan: offer.plan, when: 'now' }, at, offer.id);
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
