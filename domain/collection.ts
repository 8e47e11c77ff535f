// Billing a period and what each payment outcome does to the subscription: activation, trial
// conversion, dunning, final action, expiry of an unpaid first invoice.
import { describeInterval } from './calendar';
import type { DunningState } from './dunning';
import { afterFailedAttempt, isFinalRetryNext } from './dunning';
import type { Effect, Transition } from './effects';
import { email } from './effects';
import type { BuiltInvoice } from './invoice';
import { buildInvoice, invoiceNumber, planLine } from './invoice';
import { addOnLines } from './add-ons';
import { afterPeriodInvoice, discountLine } from './discounts';
import type { ChargeResult } from './payments';
import { chargeIdempotencyKey } from './payments';
import { prorate } from './proration';
import { nextStatus } from './status';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { calendarPeriod, subscriptionWorkflowId, update } from './subscription';

type Decline = Extract<ChargeResult, { outcome: 'declined' }>;

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
  const discount = state.discount ? discountLine(state.discount, recurring.reduce((sum, line) => sum + line.amountCents, 0)) : null;
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
    [...recurring, ...(discount ? [discount] : []), ...state.pendingItems],
    state.creditBalanceCents,
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

/** Attempt number of the next charge on `invoiceNumber`. */
export function nextAttempt(state: SubscriptionState, invoiceNumber: string): number {
  return state.dunning?.invoiceNumber === invoiceNumber ? state.dunning.attempts + 1 : (state.latestInvoice?.number === invoiceNumber ? state.latestInvoice.attempts : 0) + 1;
}

/** workflow id / period / attempt for a period's invoice; workflow id / invoice number / attempt otherwise. */
export function chargeKey(state: SubscriptionState, invoice: InvoiceSummary, attempt: number): string {
  return chargeIdempotencyKey(subscriptionWorkflowId(state.id), invoice.periodIndex ?? invoice.number, attempt);
}

function withInvoice(state: SubscriptionState, invoice: InvoiceSummary): InvoiceSummary | null {
  return state.latestInvoice?.number === invoice.number ? invoice : state.latestInvoice;
}

export function paymentSucceeded(state: SubscriptionState, invoice: InvoiceSummary, at: string): Transition {
  const opening = state.status === 'incomplete';
  const paid: InvoiceSummary = { ...invoice, status: 'paid', paidAt: at };
  const periodInvoice = invoice.periodIndex !== null;
  const next = update(state, {
    status: nextStatus(state.status, 'payment_succeeded'),
    dunning: state.dunning?.invoiceNumber === invoice.number ? null : state.dunning,
    latestInvoice: withInvoice(state, paid),
    stats: periodInvoice
      ? { ...state.stats, paidPeriods: state.stats.paidPeriods + 1, consecutivePaidPeriods: state.stats.consecutivePaidPeriods + 1 }
      : state.stats,
  });
  const effects: Effect[] = [
    email(next, invoice.number, { template: 'receipt', invoiceNumber: invoice.number, amountCents: invoice.amountCents, currency: invoice.currency, paidAt: at }),
  ];
  if (opening) effects.unshift(welcomeEmail(next));
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
    // A failed reactivation: the subscription stays suspended until another payment method.
    const next = update(state, { latestInvoice: withInvoice(state, { ...invoice, status: 'uncollectible' }) });
    return {
      state: next,
      effects: [
        { kind: 'invoice_status', invoiceNumber: invoice.number, status: 'uncollectible', at },
        failureEmail(next, invoice, { attempts: invoice.attempts, nextRetryAt: null, startedAt: at }, decline, null),
      ],
    };
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
  if (!dunning) return { state, effects: [] };
  const invoice = state.latestInvoice;
  const amountCents = invoice?.number === dunning.invoiceNumber ? invoice.amountCents : 0;
  const currency = state.plan.currency;
  if (state.policy.dunning.finalAction === 'unpaid') {
    const next = update(state, {
      status: nextStatus(state.status, 'retries_exhausted_unpaid'),
      dunning: null,
      latestInvoice: invoice?.number === dunning.invoiceNumber ? { ...invoice, status: 'uncollectible' } : invoice,
    });
    return {
      state: next,
      effects: [
        { kind: 'invoice_status', invoiceNumber: dunning.invoiceNumber, status: 'uncollectible', at },
        email(next, dunning.invoiceNumber, { template: 'unpaid', invoiceNumber: dunning.invoiceNumber, amountCents, currency }),
      ],
    };
  }
  const next = update(state, {
    status: nextStatus(state.status, 'retries_exhausted_cancel'),
    dunning: null,
    canceledAt: at,
    endedAt: at,
    cancelReason: 'non_payment',
    latestInvoice: invoice?.number === dunning.invoiceNumber ? { ...invoice, status: 'void' } : invoice,
  });
  return {
    state: next,
    effects: [
      { kind: 'invoice_status', invoiceNumber: dunning.invoiceNumber, status: 'void', at },
      email(next, 'ended', { template: 'canceled', reason: 'non_payment', endedAt: at, refundCents: 0, currency }),
    ],
  };
}

/** A first payment that was never completed: the subscription expires (Stripe's incomplete_expired). */
export function firstPaymentExpired(state: SubscriptionState, at: string): Transition {
  const invoiceNumber = state.dunning?.invoiceNumber ?? state.latestInvoice?.number;
  const next = update(state, {
    status: nextStatus(state.status, 'first_payment_expired'),
    dunning: null,
    endedAt: at,
    cancelReason: 'payment_not_completed',
    latestInvoice: state.latestInvoice ? { ...state.latestInvoice, status: 'void' } : null,
  });
  return {
    state: next,
    effects: invoiceNumber ? [{ kind: 'invoice_status', invoiceNumber, status: 'void', at }] : [],
  };
}
