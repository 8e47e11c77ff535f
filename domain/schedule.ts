// What the subscription does next on its own, and when. The workflow sleeps until then (or until
// a command arrives) and then runs the step named here.
import { billPeriod, collectAgain, firstPaymentExpired, retriesExhausted } from './collection';
import type { Transition } from './effects';
import { then, unchanged } from './effects';
import { closeOffer } from './offers';
import { resolvePending } from './pending-payment';
import { resume } from './pause';
import { periodEnded, trialReminder, trialReminderAt } from './renewal';
import type { SubscriptionState } from './subscription';
import { isEnded } from './subscription';

export type DueKind =
  | 'bill'
  | 'period_end'
  | 'trial_reminder'
  | 'dunning_retry'
  | 'dunning_deadline'
  | 'first_payment_deadline'
  | 'auto_resume'
  | 'offer_expiry'
  | 'pending_payment_deadline';

export interface Due {
  kind: DueKind;
  at: string;
}

function earliest(candidates: Array<Due | null>): Due | null {
  let best: Due | null = null;
  for (const candidate of candidates) {
    if (candidate && (!best || candidate.at < best.at)) best = candidate;
  }
  return best;
}

export function nextDue(state: SubscriptionState): Due | null {
  if (isEnded(state)) return null;
  const offerExpiry: Due | null = state.offer ? { kind: 'offer_expiry', at: state.offer.expiresAt } : null;
  // A payment in flight holds the lifecycle (renewals, retries, deadlines) until it ends; the
  // calendar is kept, and what fell due meanwhile runs right after.
  const lifecycle: Due | null = state.pendingPayment ? { kind: 'pending_payment_deadline', at: state.pendingPayment.expiresAt } : lifecycleDue(state);
  return earliest([lifecycle, offerExpiry]);
}

function lifecycleDue(state: SubscriptionState): Due | null {
  const billOrEnd: Due = state.currentPeriodInvoiced
    ? { kind: 'period_end', at: state.currentPeriod.end }
    : { kind: 'bill', at: state.currentPeriod.start };
  switch (state.status) {
    case 'incomplete':
      if (!state.currentPeriodInvoiced) return billOrEnd;
      return state.dunning ? { kind: 'first_payment_deadline', at: state.dunning.deadline } : null;
    case 'trialing': {
      const reminder = trialReminderAt(state);
      return earliest([reminder ? { kind: 'trial_reminder', at: reminder } : null, billOrEnd]);
    }
    case 'active':
      return billOrEnd;
    case 'past_due':
      if (!state.dunning) return billOrEnd;
      // Renewals wait while a payment is being recovered; the calendar (anchor) is kept.
      return state.dunning.nextRetryAt
        ? { kind: 'dunning_retry', at: state.dunning.nextRetryAt }
        : { kind: 'dunning_deadline', at: state.dunning.deadline };
    case 'paused':
      return state.pause?.resumesAt ? { kind: 'auto_resume', at: state.pause.resumesAt } : null;
    case 'unpaid':
      // Suspended: nothing happens until the customer provides a new payment method.
      return null;
  }
  return null;
}

export function describeDue(due: Due): string {
  const day = due.at.slice(0, 10);
  switch (due.kind) {
    case 'bill':
      return `bill period starting ${day}`;
    case 'period_end':
      return `wait for renewal ${day}`;
    case 'trial_reminder':
      return `trial reminder ${day}`;
    case 'dunning_retry':
      return `wait for payment retry ${day}`;
    case 'dunning_deadline':
      return `wait for a new payment method until ${day}`;
    case 'first_payment_deadline':
      return `wait for the first payment until ${due.at.slice(0, 16)}`;
    case 'auto_resume':
      return `paused until ${day}`;
    case 'offer_expiry':
      return `offer open until ${day}`;
    case 'pending_payment_deadline':
      return `wait for the payment in flight until ${due.at.slice(0, 16)}`;
  }
}

/**
 * The step for what is due. The end of a period and the billing of the next one are one step:
 * nothing (a command, a continue-as-new) ever meets a period that has begun and is not yet invoiced.
 */
export function dueStep(state: SubscriptionState, due: Due): Transition {
  switch (due.kind) {
    case 'bill':
      return billPeriod(state, due.at);
    case 'period_end':
      return then(periodEnded(state), (next) => {
        const following = nextDue(next);
        return following?.kind === 'bill' && following.at <= due.at ? billPeriod(next, due.at) : unchanged(next);
      });
    case 'trial_reminder':
      return trialReminder(state);
    case 'dunning_retry':
      return collectAgain(state, due.at);
    case 'dunning_deadline':
      return retriesExhausted(state, due.at);
    case 'first_payment_deadline':
      return firstPaymentExpired(state, due.at);
    case 'auto_resume':
      return resume(state, 'now', due.at);
    case 'offer_expiry':
      return closeOffer(state, 'expired', due.at);
    case 'pending_payment_deadline':
      return resolvePending(state, due.at, true);
  }
}
