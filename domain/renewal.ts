// The subscription's own clock: trial reminders and what happens when a period ends.
import type { Transition } from './effects';
import { email } from './effects';
import { endAtPeriodEnd } from './cancellation';
import { pauseAtPeriodEnd } from './pause';
import { applyScheduledChange } from './plan-change';
import type { SubscriptionState } from './subscription';
import { advancePeriod, update } from './subscription';

const DAY_MS = 86_400_000;

/** When the trial-ending reminder goes out; null when none is due (no trial, sent, or too short). */
export function trialReminderAt(state: SubscriptionState): string | null {
  if (state.status !== 'trialing' || !state.trialEnd || state.trialReminderSent) return null;
  const at = new Date(new Date(state.trialEnd).getTime() - state.policy.trialReminderDays * DAY_MS).toISOString();
  return at > state.createdAt ? at : null;
}

export function trialReminder(state: SubscriptionState): Transition {
  const next = update(state, { trialReminderSent: true });
  return {
    state: next,
    effects: [
      email(next, 'reminder', {
        template: 'trial_ending',
        trialEnd: state.trialEnd ?? state.currentPeriod.end,
        planName: state.plan.name,
        amountCents: state.plan.amountCents,
        currency: state.plan.currency,
      }),
    ],
  };
}

/** The current period is over: end, pause, or move to the next period (whose invoice is then due). */
export function periodEnded(state: SubscriptionState): Transition {
  if (state.cancelAtPeriodEnd) return endAtPeriodEnd(state);
  if (state.pauseAtPeriodEnd) return pauseAtPeriodEnd(state);
  const changed = applyScheduledChange(state);
  return { state: advancePeriod(changed.state), effects: changed.effects };
}
