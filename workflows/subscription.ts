// One long-lived workflow per subscription (id `subscription-<id>`). It sleeps until the next thing
// its state says is due (renewal, trial reminder, dunning retry, end of pause), or until a command
// arrives, runs that step, and continues-as-new at each period boundary so its history stays small.
// The rules live in domain/; this file wires them to timers, handlers and activities.
import * as wf from '@temporalio/workflow';
import { firstPaymentExpired, retriesExhausted, welcomeEmail } from '../domain/collection';
import type { Command } from '../domain/commands';
import { checkCommand } from '../domain/commands';
import type { Transition } from '../domain/effects';
import { resume } from '../domain/pause';
import { periodEnded, trialReminder } from '../domain/renewal';
import type { Due } from '../domain/schedule';
import { describeDue, nextDue } from '../domain/schedule';
import type { SubscriptionStart, SubscriptionState } from '../domain/subscription';
import { isEnded, nextBillingAt, openSubscription, subscriptionWorkflowId, withDefaults } from '../domain/subscription';
import { closeOffer } from '../domain/offers';
import { local } from './activities';
import type { Subscription } from './billing';
import { billCurrentPeriod, collect, invoiceInDunning } from './billing';
import { describeState } from './details';
import { EffectRunner } from './effects';
import { registerHandlers } from './handlers';
import { considerOffer } from './offers';
import { Lock } from './lock';
import type { SubscriptionView } from './messages';
import {
  CancelAtPeriodEndKey,
  CustomerIdKey,
  DunningAttemptKey,
  HasOpenOfferKey,
  NextBillingAtKey,
  PlanCodeKey,
  SubscriptionStatusKey,
} from './search-attributes';

export interface SubscriptionWorkflowInput {
  start: SubscriptionStart;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: SubscriptionState;
}

const msUntil = (iso: string) => Math.max(0, new Date(iso).getTime() - Date.now());

/** Domain refusals become update failures the API maps to 409; anything else fails the task. */
function refusal(error: unknown): never {
  if (error instanceof Error && (error.name === 'CommandRefusedError' || error.name === 'IllegalTransitionError')) {
    throw wf.ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
  }
  throw error;
}

export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<SubscriptionState> {
  const initial = input.state ? withDefaults(input.state) : openSubscription(input.start, new Date());
  const sub: Subscription = { state: { ...initial, runs: { ...initial.runs, count: initial.runs.count + 1 } }, effects: new EffectRunner() };
  const workflowId = subscriptionWorkflowId(sub.state.id);
  const lock = new Lock();
  let syncedVersion = 0;
  let wakeups = 0;

  const view = (): SubscriptionView => ({ ...sub.state, workflowId, nextBillingAt: nextBillingAt(sub.state) });

  /** Search attributes, UI details and the database projection; `at` dates a status change. */
  async function publish(at = new Date().toISOString()): Promise<void> {
    const { state } = sub;
    const next = nextBillingAt(state);
    wf.upsertSearchAttributes([
      { key: SubscriptionStatusKey, value: state.status },
      { key: PlanCodeKey, value: state.plan.code },
      { key: CustomerIdKey, value: state.customer.id },
      { key: NextBillingAtKey, value: next ? new Date(next) : null },
      { key: DunningAttemptKey, value: state.dunning?.attempts ?? null },
      { key: CancelAtPeriodEndKey, value: state.cancelAtPeriodEnd },
      { key: HasOpenOfferKey, value: state.offer !== null },
    ]);
    wf.setCurrentDetails(describeState(view()));
    if (state.version !== syncedVersion) {
      syncedVersion = state.version;
      await local.syncSubscription.executeWithOptions({ summary: `record ${state.status}, period ${state.periodIndex}` }, [state, at]);
    }
  }

  async function apply(step: Transition): Promise<void> {
    sub.state = step.state;
    await sub.effects.carryOut(step.effects);
  }

  /** Runs a command under the lock, re-checking it against the state it now meets. */
  function command<T>(cmd: Command, run: () => Promise<T>): Promise<T> {
    return lock.run(async () => {
      try {
        checkCommand(sub.state, cmd);
      } catch (error) {
        refusal(error);
      }
      const result = await run();
      await publish();
      wakeups += 1;
      return result;
    });
  }

  registerHandlers({ sub, lock, view, command, apply });

  /** Runs a timer-driven step; its business time is when it was due, not the task's start. */
  async function runDue(due: Due): Promise<void> {
    const at = due.at;
    switch (due.kind) {
      case 'bill':
        await billCurrentPeriod(sub, at);
        // A paid renewal is the moment upsell rules look at a subscription.
        return considerOffer(sub, at);
      case 'period_end':
        return apply(periodEnded(sub.state));
      case 'trial_reminder':
        return apply(trialReminder(sub.state));
      case 'dunning_retry':
        return collect(sub, invoiceInDunning(sub.state), at);
      case 'dunning_deadline':
        return apply(retriesExhausted(sub.state, at));
      case 'first_payment_deadline':
        return apply(firstPaymentExpired(sub.state, at));
      case 'auto_resume':
        return apply(resume(sub.state, 'now', at));
      case 'offer_expiry':
        return apply(closeOffer(sub.state, 'expired', at));
    }
  }

  if (!input.state) {
    // Recorded before anything refers to it (invoices have a foreign key to the subscription).
    await publish();
    if (sub.state.status === 'trialing') await sub.effects.carryOut([welcomeEmail(sub.state)]);
  }

  // Continue-as-new at the first quiet moment after a period boundary (no email still sending).
  let periodBoundaryCrossed = false;
  const timeToContinue = () => (periodBoundaryCrossed || wf.workflowInfo().continueAsNewSuggested) && sub.effects.idle;
  while (!isEnded(sub.state) && !timeToContinue()) {
    const due = nextDue(sub.state);
    if (due && msUntil(due.at) === 0) {
      await lock.run(async () => {
        // A command may have changed what is due while this step waited for the lock.
        const still = nextDue(sub.state);
        if (still?.kind !== due.kind || msUntil(still.at) > 0) return;
        await runDue(due);
        await publish(due.at);
        periodBoundaryCrossed ||= due.kind === 'period_end' && !isEnded(sub.state);
      });
      continue;
    }
    const seen = wakeups;
    const woken = () => wakeups !== seen || timeToContinue();
    if (due) await wf.condition(woken, msUntil(due.at), { summary: describeDue(due) });
    else await wf.condition(woken);
  }

  if (isEnded(sub.state) && sub.state.offer) {
    // An offer cannot outlive its subscription.
    await lock.run(async () => {
      await apply(closeOffer(sub.state, 'expired', new Date().toISOString()));
      await publish();
    });
  }
  await wf.condition(() => wf.allHandlersFinished() && sub.effects.idle);
  if (isEnded(sub.state)) return sub.state;
  const historyLength = wf.workflowInfo().historyLength;
  const { runs } = sub.state;
  const carried = { ...sub.state, runs: { ...runs, lastHistoryLength: historyLength, maxHistoryLength: Math.max(runs.maxHistoryLength, historyLength) } };
  return wf.continueAsNew<typeof subscriptionWorkflow>({ start: input.start, state: carried });
}
