// Pausing collection. A pause now credits what was paid for the unused part of the period to the
// customer's balance; a pause at period end needs no credit. A pause lasts a number of billing
// periods (then resumes on its own) or until resumed.
//
// Resuming starts a new billing period at the resume by default (`billingAnchor: 'now'`), so the
// customer pays for a full period from the day they come back. `billingAnchor: 'keep'` keeps the
// original calendar instead and bills the rest of the current calendar period, prorated. Either
// way the period is billed at once.
import { addOnsPerPeriod } from './add-ons';
import { periodBoundary, periodIndexAt } from './calendar';
import { billPeriod } from './collection';
import { capped, creditEntry, returned, unusedValue } from './credit';
import type { Effect, Transition } from './effects';
import { email, then, unchanged } from './effects';
import { nextStatus } from './status';
import type { SubscriptionState } from './subscription';
import { reanchor, update } from './subscription';
import { rollUsage } from './usage';

function startPause(state: SubscriptionState, at: string, periods: number | null, creditCents: number): Transition {
  const resumesAt = periods ? periodBoundary(at, state.plan.interval, periods, state.timeZone).toISOString() : null;
  const credited = returned(state, creditCents);
  const next = update(credited, {
    status: nextStatus(state.status, 'paused'),
    pause: { startedAt: at, resumesAt },
    pauseAtPeriodEnd: null,
    creditBalanceCents: state.creditBalanceCents + creditCents,
  });
  const effects: Effect[] = [email(next, at, { template: 'paused', resumesAt, creditCents, currency: state.plan.currency })];
  if (creditCents > 0) effects.unshift({ kind: 'credit', entries: [creditEntry(next, 'pause', creditCents, String(next.version), at)] });
  return { state: next, effects };
}

/** The credit a pause at `at` gives: what was paid for the unused time, at most what is left of the payment. */
export function pauseCredit(state: SubscriptionState, at: string): number {
  const [plan = 0, addOns = 0] = capped(state, [
    unusedValue(state, state.plan.amountCents, 'plan', at),
    unusedValue(state, addOnsPerPeriod(state.addOns), 'addOns', at),
  ]);
  return plan + addOns;
}

export function pauseNow(state: SubscriptionState, periods: number | null, at: string): Transition {
  return startPause(state, at, periods, pauseCredit(state, at));
}

export function schedulePause(state: SubscriptionState, periods: number | null): SubscriptionState {
  return update(state, { pauseAtPeriodEnd: { periods } });
}

/** The period a pause was scheduled for has ended. */
export function pauseAtPeriodEnd(state: SubscriptionState): Transition {
  return startPause(state, state.currentPeriod.end, state.pauseAtPeriodEnd?.periods ?? null, 0);
}

/** Resumes (a scheduled pause is simply dropped) and bills the period that starts. */
export function resume(state: SubscriptionState, billingAnchor: 'now' | 'keep', at: string): Transition {
  if (state.status === 'active') {
    // Resuming before a scheduled pause started simply drops it.
    return unchanged(update(state, { pauseAtPeriodEnd: null }));
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
  const resumed: Transition = { state: next, effects: [email(next, at, { template: 'resumed', nextBillingAt: next.currentPeriod.end })] };
  return then(resumed, (s) => billPeriod(s, at));
}
