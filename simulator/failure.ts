// A simulation that stopped: the engine failed under the scenario (its workflow failed or got
// stuck, the API answered 5xx or not at all). What happened until then is still reported, with
// every scenario event answered, sent or not.
import type { AnsweredCommand, Timeline, UnansweredCommand } from './timeline';

/** A step of the scenario: creating (or importing) the subscription, or one of its events. */
export interface SimulationStep {
  at: string;
  /** The event's type, or `create` / `import` for the subscription's opening. */
  type: string;
  /** The event's number in the scenario, from 1, in time order; absent for the opening. */
  number?: number;
}

export interface SimulationFailure {
  /** One sentence for people: where the simulation stopped, and why. */
  message: string;
  /** Where it stopped, in words: `while sending event 2 (cancel at …)`, `after event 1 (…), before event 2 (…)`. */
  where: string;
  /** Why, as the server recorded it (the failure message and its causes) or as the API answered. */
  reason: string;
  /**
   * `sending`: while `event` was sent (a 5xx, no answer, or the workflow failed meanwhile);
   * `after`: after `event` was answered, while the clock moved on to `next` (or to the scenario's end).
   */
  stage: 'sending' | 'after';
  /** The event being sent, or the last one answered (the opening when no event was). */
  event: SimulationStep;
  /** The first event not sent; null when every event was. */
  next: SimulationStep | null;
  /** The simulated time the failure was recorded at, when the history dates it. */
  failedAt: string | null;
  workflowId: string;
  runId: string | null;
}

/** The timeline of a failed simulation: as far as it got, every command answered, and the failure. */
export interface FailedTimeline extends Omit<Timeline, 'commands'> {
  commands: Array<AnsweredCommand | UnansweredCommand>;
  error: SimulationFailure;
}

/** A simulation the engine failed (exit code 1 of `npm run simulate`); `timeline` is what it did until then. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
  constructor(readonly timeline: FailedTimeline) {
    super(timeline.error.message);
  }
}

export function describeStep(step: SimulationStep): string {
  if (step.number === undefined) return `the ${step.type === 'import' ? 'import' : 'creation'} of the subscription at ${step.at}`;
  return `event ${step.number} (${step.type} at ${step.at})`;
}

/** Where the simulation stopped, in words: `while sending event 2 (cancel at …)`. */
export function describeStage(failure: Pick<SimulationFailure, 'stage' | 'event' | 'next'>, until: string): string {
  if (failure.stage === 'sending') return `while sending ${describeStep(failure.event)}`;
  return `after ${describeStep(failure.event)}, before ${failure.next ? describeStep(failure.next) : `the end of the scenario (${until})`}`;
}
