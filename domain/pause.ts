// Pausing collection. A pause now credits the unused part of the paid period to the customer's
// balance; a pause at period end needs no credit. A pause lasts a number of billing periods (then
// resumes on its own) or until resumed.
//
// Resuming starts a new billing period at the resume by default (`billingAnchor: 'now'`), so the
// customer pays for a full period from the day they come back. `billingAnchor: 'keep'` keeps the
// original calendar instead and bills the rest of the current calendar period, prorated.
import { addOnsPerPeriod } from './add-ons';
import { periodBoundary, periodIndexAt } from './calendar';
import type { Effect, Transition } from './effects';
import { email } from './effects';
import { prorate } from './proration';
import { nextStatus } from './status';
import type { SubscriptionState } from './subscription';
import { calendarPeriod, reanchor, update } from './subscription';
import { rollUsage } from './usage';

function startPause(state: SubscriptionState, at: string, periods: number | null, creditCents: number): Transition {
  const resumesAt = periods ? periodBoundary(at, state.plan.interval, periods, state.timeZone).toISOString() : null;
  const next = update(state, {
    status: nextStatus(state.status, 'paused'),
    pause: { startedAt: at, resumesAt },
    pauseAtPeriodEnd: null,
    creditBalanceCents: state.creditBalanceCents + creditCents,
  });
  return { state: next, effects: [email(next, at, { template: 'paused', resumesAt, creditCents, currency: state.plan.currency })] };
}

export function pauseNow(state: SubscriptionState, periods: number | null, at: string): Transition {
  const paid = state.currentPeriodInvoiced && state.latestInvoice?.status === 'paid';
  const credit = paid ? prorate(state.plan.amountCents + addOnsPerPeriod(state.addOns), calendarPeriod(state), at) : 0;
  return startPause(state, at, periods, credit);
}

export function schedulePause(state: SubscriptionState, periods: number | null): SubscriptionState {
  return update(state, { pauseAtPeriodEnd: { periods } });
}

/** The period a pause was scheduled for has ended. */
export function pauseAtPeriodEnd(state: SubscriptionState): Transition {
  return startPause(state, state.currentPeriod.end, state.pauseAtPeriodEnd?.periods ?? null, 0);
}

export function resume(state: SubscriptionState, billingAnchor: 'now' | 'keep', at: string): Transition {
  if (state.status === 'active') {
    // Resuming before a scheduled pause started simply drops it.
    return { state: update(state, { pauseAtPeriodEnd: null }), effects: [] };
  }
  let next: SubscriptionState;
  if (billingAnchor === 'now') {
    next = reanchor(state, at);
  } else {
    const k = periodIndexAt(state.anchor, state.plan.interval, at, state.timeZone);
    const periodIndex = state.periodIndex + 1;
    next = update(state, {
      periodIndex,
      anchorPeriodIndex: periodIndex - k,
      currentPeriod: { start: at, end: periodBoundary(state.anchor, state.plan.interval, k + 1, state.timeZone).toISOString() },
      currentPeriodInvoiced: false,
      usage: rollUsage(state.usage, periodIndex),
    });
  }
  next = update(next, { status: nextStatus(state.status, 'resumed'), pause: null });
  const effects: Effect[] = [email(next, at, { template: 'resumed', nextBillingAt: next.currentPeriod.end })];
  return { state: next, effects };
}
