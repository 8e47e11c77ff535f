// One long-lived workflow per subscription (id `subscription-<id>`). It sleeps until the next thing
// its state says is due (renewal, trial reminder, dunning retry, end of pause, offer expiry), or
// until a command arrives, runs that step, and continues-as-new once a new period has begun and
// been billed, so its history stays small. The rules live in domain/; the entity (entity.ts) owns
// the state and carries out what the rules decide; this file is the loop.
import { describeDue, nextDue } from '../domain/schedule';
import type { SubscriptionState } from '../domain/subscription';
import type { SubscriptionWorkflowInput } from './contract';
import { SubscriptionEntity } from './entity';
import { registerHandlers } from './handlers';

export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<SubscriptionState> {
  const entity = new SubscriptionEntity(input.start, input.state, input);
  registerHandlers(entity);
  if (!input.state) await entity.open();
  // Only a new subscription's opening step (its first bill, due at the moment it opened) runs
  // without a timer: workflow time is not always the task's. A task that answers a query first can
  // replay up to a fired timer with the previous task's time, so "is it due yet?" could say no where
  // a replay says yes (chaos scenario 8 caught that). In runs that know it (timerRunsStep), a step
  // waits for its timer, and a timer that fired runs its step, whatever the clock says.
  let opening = !input.state;

  while (!entity.ended && !entity.timeToContinue) {
    const due = nextDue(entity.state);
    // A renewal that bills metered usage runs once the period's late events are in (its grace window).
    const wake = due ? { ...due, at: entity.runsAt(due) } : null;
    const runNow = !entity.timerRunsStep || opening;
    opening = false;
    if (due && wake && runNow && new Date(wake.at).getTime() <= Date.now()) {
      await entity.runDue(due);
      continue;
    }
    const late = due && wake && wake.at !== due.at ? `, billing usage after late events until ${wake.at.slice(0, 16)}` : '';
    const fired = await entity.waitFor(wake, due ? `${describeDue(due)}${late}` : undefined);
    if (fired && due && entity.timerRunsStep) await entity.runDue(due);
  }
  return entity.close();
}
