// Canceling: now (optionally refunding the unused part of the period) or at period end, which
// can be taken back until the period ends.
import { addOnsPerPeriod } from './add-ons';
import type { CancelCommand } from './commands';
import type { Effect, Transition } from './effects';
import { email } from './effects';
import { chargeIdempotencyKey } from './payments';
import { prorate } from './proration';
import { nextStatus } from './status';
import type { SubscriptionState } from './subscription';
import { calendarPeriod, subscriptionWorkflowId, update } from './subscription';

/**
 * The prorated refund for canceling at `at`: the plan's and add-ons' price for the rest of the
 * period, at most what the latest paid invoice collected (it is refunded against that charge).
 */
export function cancellationRefund(state: SubscriptionState, at: string): number {
  const invoice = state.latestInvoice;
  if (state.status !== 'active' || !invoice || invoice.status !== 'paid') return 0;
  return Math.min(invoice.amountCents, prorate(state.plan.amountCents + addOnsPerPeriod(state.addOns), calendarPeriod(state), at));
}

export function cancelNow(state: SubscriptionState, command: CancelCommand, at: string): Transition {
  const refundCents = command.refund === 'prorated' ? cancellationRefund(state, at) : 0;
  const effects: Effect[] = [];
  if (state.dunning) effects.push({ kind: 'invoice_status', invoiceNumber: state.dunning.invoiceNumber, status: 'void', at });
  if (refundCents > 0 && state.latestInvoice) {
    effects.push({
      kind: 'refund',
      invoiceNumber: state.latestInvoice.number,
      amountCents: refundCents,
      idempotencyKey: chargeIdempotencyKey(subscriptionWorkflowId(state.id), `${state.latestInvoice.number}-refund`, 1),
      at,
    });
  }
  const next = update(state, {
    status: nextStatus(state.status, 'canceled'),
    canceledAt: at,
    endedAt: at,
    cancelReason: 'requested',
    cancelAtPeriodEnd: false,
    dunning: null,
    scheduledChange: null,
    pauseAtPeriodEnd: null,
    latestInvoice: state.dunning && state.latestInvoice?.number === state.dunning.invoiceNumber ? { ...state.latestInvoice, status: 'void' } : state.latestInvoice,
  });
  effects.push(email(next, 'ended', { template: 'canceled', reason: 'requested', endedAt: at, refundCents, currency: state.plan.currency }));
  return { state: next, effects };
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
  return { state: next, effects: [email(next, 'ended', { template: 'canceled', reason: 'requested', endedAt: at, refundCents: 0, currency: state.plan.currency })] };
}
