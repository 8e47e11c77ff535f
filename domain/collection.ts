// Billing a period and what each payment outcome does to the subscription: activation, trial
// conversion, dunning, final action, expiry of an unpaid first invoice.
import { describeInterval } from './calendar';
import { canReceiveOffer } from './offers';
import { closeUnpaidInvoice, invoiceCreditEntries, openAccount, paidRate, refundCreditAtEnd } from './credit';
import type { DunningState } from './dunning';
import { afterFailedAttempt, isFinalRetryNext } from './dunning';
import type { Effect, Transition } from './effects';
import { email, then } from './effects';
import type { BuiltInvoice } from './invoice';
import { buildInvoice, invoiceNumber, issuedSummary, planLine, taxContextOf } from './invoice';
import { addOnLines } from './add-ons';
import { afterPeriodInvoice, discountLines } from './discounts';
import { chargeOf } from './charges';
import type { ChargeIntent, Decline, FinalChargeResult } from './payments';
import { settlePlanChange } from './plan-change';
import { prorate } from './proration';
import { nextStatus } from './status';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { calendarPeriod, update } from './subscription';

const HOUR_MS = 3_600_000;

/**
 * The invoice for the current period: the plan and recurring add-ons (prorated when the period
 * starts late, after a resume), the discount on those, and lines waiting from the last period
 * (add-on prorations, one-time products); account credit then pays what it can.
 */
export function renewalInvoice(state: SubscriptionState, issuedAt: string): BuiltInvoice {
  const calendar = calendarPeriod(state);
  const recurring = [
    planLine(state.plan, state.currentPeriod, prorate(state.plan.amountCents, calendar, state.currentPeriod.start)),
    ...addOnLines(state.addOns, calendar, state.currentPeriod),
  ];
  // Rules 2: a skipped delivery is not part of what the period sells (domain/rules.ts).
  const skipped = state.rules >= 2 ? state.pendingItems.filter((line) => line.skippedDelivery) : [];
  const pending = state.pendingItems.filter((line) => !skipped.includes(line));
  const service = [...recurring, ...skipped];
  const listCents = service.reduce((sum, line) => sum + line.amountCents, 0);
  const discount = state.discount ? discountLines(state.discount, service) : [];
  return buildInvoice(
    {
      number: invoiceNumber(state.id, state.invoiceCount + 1),
      subscriptionId: state.id,
      customerId: state.customer.id,
      periodIndex: state.periodIndex,
      billingReason: state.invoiceCount === 0 ? 'subscription_create' : 'subscription_cycle',
      period: state.currentPeriod,
      currency: state.plan.currency,
      issuedAt,
    },
    taxContextOf(state, issuedAt),
    [...service, ...discount, ...pending],
    state.creditBalanceCents,
    { periodIndex: state.periodIndex, listCents, lines: [...service, ...discount] },
  );
}

/**
 * Records an issued period invoice: numbering, credit balance, the period now invoiced, the
 * pending lines it carried, and one period of the discount used.
 */
export function invoiceIssued(state: SubscriptionState, built: BuiltInvoice, invoice: InvoiceSummary): SubscriptionState {
  const discounted = built.draft.lines.some((line) => line.kind === 'discount');
  return update(state, {
    invoiceCount: state.invoiceCount + 1,
    creditBalanceCents: built.creditBalanceCents,
    latestInvoice: invoice,
    currentPeriodInvoiced: state.currentPeriodInvoiced || invoice.periodIndex === state.periodIndex,
    pendingItems: [],
    discount: state.discount && discounted ? afterPeriodInvoice(state.discount) : state.discount,
  });
}

/** Issues the current period's invoice and charges it. */
export function billPeriod(state: SubscriptionState, at: string): Transition {
  const built = renewalInvoice(state, at);
  const invoice = withCarriedCredit(state, issuedSummary(built));
  const next = invoiceIssued(state, built, invoice);
  return {
    state: next,
    effects: [
      { kind: 'issue_invoice', draft: built.draft, credit: invoiceCreditEntries(next, built.draft, state.creditBalanceCents) },
      chargeOf(next, invoice, at),
    ],
  };
}

/**
 * Rules 3: the credit the period invoice carries from the waiting lines (what was paid for
 * add-ons removed since), so that voiding the invoice gives it back instead of voiding it too.
 */
function withCarriedCredit(state: SubscriptionState, invoice: InvoiceSummary): InvoiceSummary {
  if (state.rules < 3) return invoice;
  const carried = state.pendingItems
    .filter((line) => line.kind === 'proration_credit' && !line.skippedDelivery)
    .reduce((sum, line) => sum - line.amountCents, 0);
  return carried > 0 ? { ...invoice, carriedCreditCents: carried } : invoice;
}

/** Charges the invoice under collection again (a dunning retry, a new card). */
export function collectAgain(state: SubscriptionState, at: string): Transition {
  const invoice = state.latestInvoice;
  if (!invoice || invoice.number !== state.dunning?.invoiceNumber || invoice.status !== 'open') return { state, effects: [] };
  return { state, effects: [chargeOf(state, invoice, at)] };
}

/** What a charge's outcome does: the next step of the lifecycle, or of the plan change it paid for. */
export function settleCharge(state: SubscriptionState, charge: ChargeIntent, result: FinalChargeResult): Transition {
  const charged: InvoiceSummary = { ...charge.invoice, attempts: charge.attempt };
  switch (charge.purpose.kind) {
    case 'plan_change':
      return settlePlanChange(state, charge.purpose.change, charged, result, charge.at);
    case 'final':
      return result.outcome === 'succeeded' ? finalInvoicePaid(state, charged, charge.at) : closeUnpaidInvoice(state, charged, 'uncollectible', charge.at);
    case 'collect':
      return result.outcome === 'succeeded' ? paymentSucceeded(state, charged, charge.at) : paymentFailed(state, charged, result, charge.at);
  }
}

function finalInvoicePaid(state: SubscriptionState, invoice: InvoiceSummary, at: string): Transition {
  const next = update(state, { latestInvoice: withInvoice(state, { ...invoice, status: 'paid', paidAt: at }) });
  return {
    state: next,
    effects: [email(next, invoice.number, { template: 'receipt', invoiceNumber: invoice.number, amountCents: invoice.amountCents, currency: invoice.currency, paidAt: at })],
  };
}

function withInvoice(state: SubscriptionState, invoice: InvoiceSummary): InvoiceSummary | null {
  return state.latestInvoice?.number === invoice.number ? invoice : state.latestInvoice;
}

export function paymentSucceeded(state: SubscriptionState, invoice: InvoiceSummary, at: string): Transition {
  const opening = state.status === 'incomplete';
  const paid: InvoiceSummary = { ...invoice, status: 'paid', paidAt: at };
  const service = invoice.service ?? null;
  const periodInvoice = invoice.periodIndex !== null;
  const next = update(state, {
    status: nextStatus(state.status, 'payment_succeeded'),
    dunning: state.dunning?.invoiceNumber === invoice.number ? null : state.dunning,
    latestInvoice: withInvoice(state, paid),
    stats: periodInvoice
      ? { ...state.stats, paidPeriods: state.stats.paidPeriods + 1, consecutivePaidPeriods: state.stats.consecutivePaidPeriods + 1 }
      : state.stats,
    account:
      service && service.periodIndex === state.periodIndex
        ? openAccount(service.periodIndex, service.netCents, paidRate(service.grossCents, service.netCents), { invoiceNumber: invoice.number, amountCents: invoice.amountCents })
        : state.account,
  });
  const effects: Effect[] = [
    email(next, invoice.number, { template: 'receipt', invoiceNumber: invoice.number, amountCents: invoice.amountCents, currency: invoice.currency, paidAt: at }),
  ];
  if (opening) effects.unshift(welcomeEmail(next));
  // A paid period is the moment the upsell rules look at a subscription.
  if (periodInvoice && canReceiveOffer(next, at)) effects.push({ kind: 'evaluate_offers', at });
  return { state: next, effects };
}

export function welcomeEmail(state: SubscriptionState): Effect {
  return email(state, 'opened', {
    template: 'welcome',
    planName: state.plan.name,
    amountCents: state.plan.amountCents,
    currency: state.plan.currency,
    interval: describeInterval(state.plan.interval),
    trialEnd: state.trialEnd,
  });
}

function failureEmail(
  state: SubscriptionState,
  invoice: InvoiceSummary,
  dunning: Pick<DunningState, 'attempts' | 'nextRetryAt' | 'startedAt'>,
  decline: Decline,
  deadline: string | null,
): Effect {
  if (dunning.nextRetryAt && isFinalRetryNext(state.policy.dunning, dunning)) {
    return email(state, `${invoice.number}/${dunning.attempts}`, {
      template: 'final_notice',
      invoiceNumber: invoice.number,
      amountCents: invoice.amountCents,
      currency: invoice.currency,
      finalAttemptAt: dunning.nextRetryAt,
      consequence: state.policy.dunning.finalAction,
    });
  }
  return email(state, `${invoice.number}/${dunning.attempts}`, {
    template: 'payment_failed',
    invoiceNumber: invoice.number,
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    attempt: dunning.attempts,
    declineMessage: decline.message,
    nextRetryAt: dunning.nextRetryAt,
    deadline,
    consequence: deadline === null ? null : state.status === 'incomplete' ? 'expire' : state.policy.dunning.finalAction,
  });
}

/** A declined charge on the period's invoice (first payment, renewal, or a dunning retry). */
export function paymentFailed(current: SubscriptionState, invoice: InvoiceSummary, decline: Decline, at: string): Transition {
  const state = update(current, {
    stats: { ...current.stats, failedPayments: current.stats.failedPayments + 1, consecutivePaidPeriods: 0 },
  });
  const failure = { invoiceNumber: invoice.number, at, declineCode: decline.declineCode, declineType: decline.declineType };
  const previous = state.dunning?.invoiceNumber === invoice.number ? state.dunning : null;
  const latestInvoice = withInvoice(state, { ...invoice, status: 'open' });

  if (state.status === 'unpaid') {
    // A failed reactivation: the subscription stays suspended until another payment method, and
    // the period it would have started is never delivered, so its invoice is voided.
    const closed = closeUnpaidInvoice(update(state, { latestInvoice: withInvoice(state, invoice) }), invoice, 'void', at);
    return { state: closed.state, effects: [...closed.effects, failureEmail(closed.state, invoice, { attempts: invoice.attempts, nextRetryAt: null, startedAt: at }, decline, null)] };
  }

  if (state.status === 'incomplete') {
    // No automatic retries for a first payment: the customer completes it with a working card
    // before the deadline, or the subscription expires.
    const deadline = new Date(new Date(state.createdAt).getTime() + state.policy.incompleteExpiryHours * HOUR_MS).toISOString();
    const dunning: DunningState = {
      invoiceNumber: invoice.number,
      startedAt: previous?.startedAt ?? at,
      attempts: (previous?.attempts ?? 0) + 1,
      lastAttemptAt: at,
      lastDeclineCode: decline.declineCode,
      lastDeclineType: decline.declineType,
      nextRetryAt: null,
      deadline,
    };
    const next = update(state, { dunning, latestInvoice });
    return { state: next, effects: [failureEmail(next, invoice, dunning, decline, deadline)] };
  }

  const outcome = afterFailedAttempt(state.policy.dunning, previous, failure);
  if (outcome.kind !== 'exhausted') {
    const next = update(state, { status: nextStatus(state.status, 'payment_failed'), dunning: outcome.dunning, latestInvoice });
    return { state: next, effects: [failureEmail(next, invoice, outcome.dunning, decline, outcome.dunning.deadline)] };
  }
  // A schedule with no retries exhausts on the first failure: past due first, then the final action.
  return retriesExhausted(update(state, { status: nextStatus(state.status, 'payment_failed'), dunning: outcome.dunning, latestInvoice }), at);
}

/** The end of dunning without payment: the policy's final action. */
export function retriesExhausted(state: SubscriptionState, at: string): Transition {
  const dunning = state.dunning;
  const invoice = state.latestInvoice;
  if (!dunning || invoice?.number !== dunning.invoiceNumber) return { state, effects: [] };
  const { amountCents, currency } = invoice;
  if (state.policy.dunning.finalAction === 'unpaid') {
    const suspended = update(state, { status: nextStatus(state.status, 'retries_exhausted_unpaid'), dunning: null });
    return then(closeUnpaidInvoice(suspended, invoice, 'uncollectible', at), (next) => ({
      state: next,
      effects: [email(next, dunning.invoiceNumber, { template: 'unpaid', invoiceNumber: dunning.invoiceNumber, amountCents, currency })],
    }));
  }
  const canceled = update(state, {
    status: nextStatus(state.status, 'retries_exhausted_cancel'),
    dunning: null,
    canceledAt: at,
    endedAt: at,
    cancelReason: 'non_payment',
  });
  const ending = then(closeUnpaidInvoice(canceled, invoice, 'void', at), (next) => ({
    state: next,
    effects: [email(next, 'ended', { template: 'canceled', reason: 'non_payment', endedAt: at, refundCents: 0, currency })],
  }));
  return refundCreditAtEnd(ending);
}

/** A first payment that was never completed: the subscription expires (Stripe's incomplete_expired). */
export function firstPaymentExpired(state: SubscriptionState, at: string): Transition {
  const expired = update(state, {
    status: nextStatus(state.status, 'first_payment_expired'),
    dunning: null,
    endedAt: at,
    cancelReason: 'payment_not_completed',
  });
  const invoice = state.latestInvoice;
  return refundCreditAtEnd(invoice && invoice.status === 'open' ? closeUnpaidInvoice(expired, invoice, 'void', at) : { state: expired, effects: [] });
}
