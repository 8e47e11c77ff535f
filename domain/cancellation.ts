// Canceling: now (optionally refunding the unused part of the period) or at period end, which
// can be taken back until the period ends. Lines still waiting for the next invoice (add-on
// prorations, one-time products) are billed on a final invoice when the subscription ends.
import { addOnsPerPeriod } from './add-ons';
import { chargeOf } from './charges';
import type { CancelCommand } from './commands';
import { capped, closeUnpaidInvoice, invoiceCreditEntries, refundCreditAtEnd, refunded, refundSplit, unusedValue } from './credit';
import type { Effect, Transition } from './effects';
import { email, then, unchanged } from './effects';
import { buildInvoice, invoiceNumber, issuedSummary, taxContextOf } from './invoice';
import { nextStatus } from './status';
import type { SubscriptionState } from './subscription';
import { update } from './subscription';

/**
 * The prorated refund for canceling at `at`: what was paid for the plan's and add-ons' unused
 * time, never more than what is left of the period's payment (domain/credit.ts).
 */
export function cancellationRefund(state: SubscriptionState, at: string): number {
  const [plan = 0, addOns = 0] = capped(state, [
    unusedValue(state, state.plan.amountCents, 'plan', at),
    unusedValue(state, addOnsPerPeriod(state.addOns), 'addOns', at),
  ]);
  return plan + addOns;
}

export function cancelNow(state: SubscriptionState, command: CancelCommand, at: string): Transition {
  const wanted = command.refund === 'prorated' ? cancellationRefund(state, at) : 0;
  const refunds = refundSplit(state, wanted, at);
  const refundCents = refunds.reduce((sum, refund) => sum + refund.amountCents, 0);
  const afterRefund = refunded(state, refunds);
  // An invoice still being collected will never be paid now.
  const collecting = state.dunning && state.latestInvoice?.number === state.dunning.invoiceNumber ? state.latestInvoice : null;
  const closed = collecting ? closeUnpaidInvoice(afterRefund, collecting, 'void', at) : unchanged(afterRefund);
  const ending = then(closed, (s) => {
    const next = update(s, {
      status: nextStatus(state.status, 'canceled'),
      canceledAt: at,
      endedAt: at,
      cancelReason: 'requested',
      cancelAtPeriodEnd: false,
      dunning: null,
      scheduledChange: null,
      pauseAtPeriodEnd: null,
    });
    const effects: Effect[] = refunds.length > 0 ? [{ kind: 'refund', refunds, at }] : [];
    effects.push(email(next, 'ended', { template: 'canceled', reason: 'requested', endedAt: at, refundCents, currency: state.plan.currency }));
    return then({ state: next, effects }, (ended) => finalInvoice(ended, at));
  });
  // Without a refund nothing goes back, account credit included: it stays on the ledger, as
  // Stripe keeps a customer balance (a pause's credit must not turn into the refund the merchant
  // chose not to give).
  return command.refund === 'prorated' ? refundCreditAtEnd(ending) : ending;
}

export function cancelAtPeriodEnd(state: SubscriptionState, at: string): SubscriptionState {
  return update(state, { cancelAtPeriodEnd: true, canceledAt: at, scheduledChange: null });
}

export function uncancel(state: SubscriptionState): SubscriptionState {
  return update(state, { cancelAtPeriodEnd: false, canceledAt: null });
}

/** The period a cancellation was scheduled for has ended. */
export function endAtPeriodEnd(state: SubscriptionState): Transition {
  const at = state.currentPeriod.end;
  const next = update(state, {
    status: nextStatus(state.status, 'canceled'),
    endedAt: at,
    cancelReason: 'requested',
    cancelAtPeriodEnd: false,
  });
  const ended = { state: next, effects: [email(next, 'ended', { template: 'canceled', reason: 'requested', endedAt: at, refundCents: 0, currency: state.plan.currency })] };
  return refundCreditAtEnd(then(ended, (s) => finalInvoice(s, at)));
}

/**
 * Bills what was still waiting for the next invoice when the subscription ended (one-time
 * products, add-on prorations), net of credits and account credit; charged once, never dunned:
 * a decline leaves it uncollectible. Waiting lines that come to a credit (add-ons removed after
 * the period was paid) are issued all the same, on an invoice of nothing due, and the credit
 * becomes account credit, as any invoice's surplus does: it was paid for, and must not vanish
 * with the subscription. A skipped delivery's credit is not: it takes the box off a renewal that
 * will never be billed.
 */
export function finalInvoice(state: SubscriptionState, at: string): Transition {
  // Rules 3 (domain/rules.ts); before, waiting lines that came to a credit were dropped.
  const waiting = state.rules >= 3 ? state.pendingItems.filter((line) => !line.skippedDelivery) : state.pendingItems;
  const subtotal = waiting.reduce((sum, line) => sum + line.amountCents, 0);
  if (waiting.length === 0 || (state.rules < 3 && subtotal <= 0)) return unchanged(update(state, { pendingItems: [] }));
  const built = buildInvoice(
    {
      number: invoiceNumber(state.id, state.invoiceCount + 1),
      subscriptionId: state.id,
      customerId: state.customer.id,
      periodIndex: null,
      billingReason: 'subscription_final',
      period: { start: state.currentPeriod.start, end: at },
      currency: state.plan.currency,
      issuedAt: at,
    },
    taxContextOf(state, at),
    waiting,
    state.creditBalanceCents,
  );
  const invoice = issuedSummary(built);
  const next = update(state, { invoiceCount: state.invoiceCount + 1, creditBalanceCents: built.creditBalanceCents, pendingItems: [], latestInvoice: invoice });
  return {
    state: next,
    effects: [
      { kind: 'issue_invoice', draft: built.draft, credit: invoiceCreditEntries(next, built.draft, state.creditBalanceCents) },
      chargeOf(next, invoice, at, { kind: 'final' }),
    ],
  };
}
