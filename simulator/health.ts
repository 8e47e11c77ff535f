// Whether a subscription's workflow is still doing its job, as the server's history tells it: no
// run of its chain closed as failed, terminated, timed out or canceled, and its current run is not
// stuck retrying a failing workflow task. The simulator checks it after every scenario event; the
// model-based tests can check it after every command.
//
// A stuck workflow also stalls its callers: an update to it never returns, and the time-skipping
// server stops moving its clock while a workflow task is outstanding (so `env.sleep` never
// returns). `watchWorkflow` runs such calls while it polls the workflow's health, and gives up on
// them as soon as the workflow is unhealthy or a deadline passes.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Harness } from './environment';

/** A wait that does not keep the process alive: the loser of a race outlives it. */
const delay = (ms: number) => sleep(ms, undefined, { ref: false });

const { EventType, RetryState, TimeoutType, WorkflowTaskFailedCause, ContinueAsNewInitiator } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;

export type WorkflowHealth =
  /** `status` is the current run's (RUNNING, COMPLETED…), or NOT_FOUND when there is no such workflow (yet). */
  | { ok: true; status: string; runId: string | null }
  | {
      ok: false;
      /** What went wrong, with the failure message recorded in the history. */
      reason: string;
      /** The run that failed (or whose workflow task is failing). */
      runId: string;
      status: string;
      /** When the history recorded it (ISO-8601, the server's clock: simulated time). */
      at: string | null;
    };

/** Causes the server gives for a workflow task that did not fail because of the workflow's code. */
const BENIGN_TASK_FAILURES = new Set<number>([
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FAILOVER_CLOSE_COMMAND,
]);

/** Workflow task timeouts in a row (since the last completed task) that count as "keeps timing out". */
const TASK_TIMEOUTS_IN_A_ROW = 2;

function lastIndexWhere<T>(items: T[], accept: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (accept(items[i]!)) return i;
  return -1;
}

export interface RunSnapshot {
  runId: string;
  status: string;
  events: HistoryEvent[];
}

/** The workflow's current run and its history (of that run, even if it continues-as-new meanwhile). */
async function snapshot(h: Pick<Harness, 'env'>, workflowId: string): Promise<RunSnapshot | null> {
  try {
    const description = await h.env.client.workflow.getHandle(workflowId).describe();
    const history = await h.env.client.workflow.getHandle(workflowId, description.runId).fetchHistory();
    return { runId: description.runId, status: description.status.name, events: history.events ?? [] };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

const isoTime = (event: HistoryEvent | undefined): string | null => {
  const seconds = Number(event?.eventTime?.seconds ?? 0);
  return seconds > 0 ? new Date(seconds * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6)).toISOString() : null;
};

/** The first stack frame in our own code (source-mapped for workflow code), e.g. `(/repo/workflows/billing.ts:28:34)`. */
function firstOwnFrame(stackTrace: string | null | undefined): string | null {
  for (const line of (stackTrace ?? '').split('\n')) {
    const match = /^\s*at .*?\(?(\/[^()\s]+:\d+:\d+)\)?$/.exec(line);
    if (match && !match[1]!.includes('/node_modules/')) return match[1]!;
  }
  return null;
}

/** A failure and its causes in one line: `Activity task failed (chargeInvoice): card processor down`. */
export function failureMessage(failure: Failure | null | undefined): string {
  const parts: string[] = [];
  let deepestStack: string | null | undefined;
  for (let f = failure, depth = 0; f && depth < 20; f = f.cause, depth += 1) {
    const activity = f.activityFailureInfo?.activityType?.name;
    const type = f.applicationFailureInfo?.type;
    const message = `${f.message || '(no message)'}${activity ? ` (${activity})` : ''}${type && type !== 'Error' ? ` [${type}]` : ''}`;
    parts.push(message);
    if (f.stackTrace) deepestStack = f.stackTrace;
  }
  if (parts.length === 0) return 'no failure recorded';
  const frame = firstOwnFrame(deepestStack);
  return `${parts.join(': ')}${frame ? ` (at ${frame})` : ''}`;
}

function closeReason(status: string, close: HistoryEvent | undefined): string {
  const failed = close?.workflowExecutionFailedEventAttributes;
  if (failed) return failureMessage(failed.failure);
  const terminated = close?.workflowExecutionTerminatedEventAttributes;
  if (terminated) return `terminated${terminated.reason ? `: ${terminated.reason}` : ''}${terminated.identity ? ` (by ${terminated.identity})` : ''}`;
  const timedOut = close?.workflowExecutionTimedOutEventAttributes;
  if (timedOut) return `timed out (retry state ${RetryState[timedOut.retryState ?? 0] ?? timedOut.retryState})`;
  if (close?.workflowExecutionCanceledEventAttributes) return 'canceled';
  return status.toLowerCase();
}

const CLOSED_UNHEALTHY = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED', 'CANCELED']);

/** Judges one run's history; pure, for the snapshot `workflowHealth` reads. */
export function judgeRun(run: RunSnapshot | null): WorkflowHealth {
  if (!run) return { ok: true, status: 'NOT_FOUND', runId: null };
  const { runId, status, events } = run;
  const unhealthy = (reason: string, event: HistoryEvent | undefined, failedRunId = runId): WorkflowHealth => ({
    ok: false,
    reason,
    runId: failedRunId,
    status,
    at: isoTime(event),
  });

  if (CLOSED_UNHEALTHY.has(status)) {
    const close = events.at(-1);
    return unhealthy(`run ${runId} closed as ${status}: ${closeReason(status, close)}`, close);
  }

  // A run the server started again after an earlier run of the chain failed (a retry policy).
  const start = events[0];
  const started = start?.workflowExecutionStartedEventAttributes;
  if (started && (started.initiator === ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY || started.continuedFailure)) {
    const previous = started.continuedExecutionRunId ?? 'unknown';
    return unhealthy(`run ${previous} failed and was retried as run ${runId}: ${failureMessage(started.continuedFailure)}`, start, previous);
  }

  if (status !== 'RUNNING') return { ok: true, status, runId };

  // Workflow tasks since the last one that completed: a failure the workflow's code caused
  // (an error thrown outside an ApplicationFailure, non-determinism…) is retried by the server
  // and fails again, so the run makes no progress. The time-skipping server records every
  // attempt (the SDK reports the first failure, later attempts time out); a real server records
  // the first failure only.
  const lastCompleted = lastIndexWhere(events, (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const since = events.slice(lastCompleted + 1);
  const failed = since.find((e) => {
    const attributes = e.workflowTaskFailedEventAttributes;
    return attributes && !BENIGN_TASK_FAILURES.has(attributes.cause ?? 0);
  });
  if (failed) {
    const attributes = failed.workflowTaskFailedEventAttributes!;
    const cause = WorkflowTaskFailedCause[attributes.cause ?? 0] ?? String(attributes.cause);
    const attempts = since.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).length;
    return unhealthy(
      `run ${runId}: its workflow task fails (${cause.replace('WORKFLOW_TASK_FAILED_CAUSE_', '')}, ${attempts} attempt${attempts === 1 ? '' : 's'} recorded): ${failureMessage(attributes.failure)}`,
      failed,
    );
  }
  const timeouts = since.filter(
    (e) => e.workflowTaskTimedOutEventAttributes && e.workflowTaskTimedOutEventAttributes.timeoutType !== TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
  );
  if (timeouts.length >= TASK_TIMEOUTS_IN_A_ROW) {
    return unhealthy(`run ${runId}: its workflow task keeps timing out (${timeouts.length} attempts in a row)`, timeouts[0]);
  }
  return { ok: true, status, runId };
}

/**
 * The health of the workflow `workflowId` now: `{ ok: false, reason, runId }` when its current run
 * closed as FAILED, TERMINATED, TIMED_OUT or CANCELED, was started again after a failed run, or
 * its workflow task is failing; `{ ok: true }` otherwise (also while it does not exist).
 */
export async function workflowHealth(h: Pick<Harness, 'env'>, workflowId: string): Promise<WorkflowHealth> {
  return judgeRun(await snapshot(h, workflowId));
}

/**
 * The failure of the last update the workflow's current run completed, or null when that update
 * succeeded (or there is none): what the API's "unexpected error" answer to a command was about.
 */
export async function lastUpdateFailure(h: Pick<Harness, 'env'>, workflowId: string): Promise<string | null> {
  const run = await snapshot(h, workflowId);
  const events = run?.events ?? [];
  const completed = events[lastIndexWhere(events, (e) => e.workflowExecutionUpdateCompletedEventAttributes != null)];
  const failure = completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure;
  return failure ? failureMessage(failure) : null;
}

const OPEN_ACTIVITY_CLOSERS = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
]);

function millis(timestamp: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(timestamp?.seconds ?? 0) * 1000 + Math.floor((timestamp?.nanos ?? 0) / 1e6);
}

/**
 * Whether a running run is quiet (the rule `settled` in environment.ts waits for): its last workflow
 * task completed, no activity is outstanding; and the earliest timer still open.
 */
export function quietness(events: HistoryEvent[]): { quiet: boolean; waitingFor: string; nextTimerMs: number } {
  const lastTask = events[
    lastIndexWhere(events, (event) => {
      const type = event.eventType ?? 0;
      return type >= EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && type <= EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
    })
  ];
  const openActivities = new Map<string, string>();
  const openTimers = new Map<string, number>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) openActivities.set(String(event.eventId), scheduled.activityType?.name ?? 'activity');
    const started = event.timerStartedEventAttributes;
    if (started) openTimers.set(String(event.eventId), millis(event.eventTime) + millis(started.startToFireTimeout));
    const closedTimer = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    if (closedTimer) openTimers.delete(String(closedTimer.startedEventId));
    if (OPEN_ACTIVITY_CLOSERS.has(event.eventType ?? 0)) {
      const attributes =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      openActivities.delete(String(attributes?.scheduledEventId));
    }
  }
  const taskDone = lastTask?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  const waitingFor = [
    taskDone ? null : `its workflow task (last event of it: ${EventType[lastTask?.eventType ?? 0] ?? 'none'})`,
    openActivities.size > 0 ? `activities ${[...openActivities.values()].join(', ')}` : null,
  ].filter((part) => part !== null);
  return { quiet: waitingFor.length === 0, waitingFor: waitingFor.join(' and ') || 'nothing', nextTimerMs: Math.min(Infinity, ...openTimers.values()) };
}

/** What `guard` gives back: the work's value, or why it was given up on. */
export type Guarded<T> = { ok: true; value: T } | { ok: false; reason: string; runId: string | null; at: string | null; timedOut: boolean };

export interface WorkflowWatch {
  /** The workflow's health now (see workflowHealth). */
  health(): Promise<WorkflowHealth>;
  /**
   * Waits until the workflow is quiet as `settled` (environment.ts) waits for it, letting a timer
   * due within 5 s fire first; gives up, unhealthy, when the workflow is, or after `timeoutMs`.
   */
  settle(timeoutMs?: number): Promise<WorkflowHealth>;
  /**
   * Runs `work` (a request to the API, a move of the test server's clock) while polling the
   * workflow's health; gives up on it when the workflow turns unhealthy or `timeoutMs` passes.
   * The Temporal calls `work` makes (through the environment's connection, also from the API it
   * calls) are then cancelled; call `release` before tearing the environment down.
   */
  guard<T>(work: () => Promise<T>, options: { timeoutMs: number; what: string }): Promise<Guarded<T>>;
  /**
   * Waits for the work `guard` gave up on to end, at most `timeoutMs`; terminates the workflow
   * (with `reason`) when some is still under way after a few seconds, which ends a pending update.
   * Tearing the environment down under a call still retrying crashes the process ("Channel has
   * been shut down", thrown from the client's retry timer).
   */
  release(reason: string, timeoutMs?: number): Promise<void>;
}

export interface WatchOptions {
  /** Real time before the first look at the history while work is under way; each wait after doubles. */
  pollMs?: number;
  /**
   * The longest wait between two looks. A long clock move is a chain of workflow and activity
   * tasks on the test server: a look every 100 ms all along would compete with them for it.
   */
  maxPollMs?: number;
}

export function watchWorkflow(h: Pick<Harness, 'env'>, workflowId: string, options: WatchOptions = {}): WorkflowWatch {
  const pollMs = options.pollMs ?? 100;
  const maxPollMs = Math.max(pollMs, options.maxPollMs ?? 1_000);
  const abandoned = new Set<Promise<unknown>>();

  async function guard<T>(work: () => Promise<T>, { timeoutMs, what }: { timeoutMs: number; what: string }): Promise<Guarded<T>> {
    const controller = new AbortController();
    const outcome = h.env.client.withAbortSignal(controller.signal, work).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const giveUp = (verdict: Omit<Extract<Guarded<T>, { ok: false }>, 'ok'>): Guarded<T> => {
      controller.abort();
      abandoned.add(outcome);
      return { ok: false, ...verdict };
    };
    const deadline = Date.now() + timeoutMs;
    let last: WorkflowHealth | null = null;
    for (let wait = pollMs; ; wait = Math.min(wait * 2, maxPollMs)) {
      const result = await Promise.race([outcome, delay(wait).then(() => null)]);
      if (result) {
        if ('error' in result) throw result.error;
        return { ok: true, value: result.value };
      }
      // A look that fails (the server busy) is not a verdict; the deadline still holds.
      last = await workflowHealth(h, workflowId).catch(() => last);
      if (last && !last.ok) return giveUp({ reason: last.reason, runId: last.runId, at: last.at, timedOut: false });
      if (Date.now() > deadline) {
        return giveUp({ reason: `${what}: no result within ${timeoutMs / 1000} s`, runId: last?.runId ?? null, at: null, timedOut: true });
      }
    }
  }

  async function settle(timeoutMs = 30_000): Promise<WorkflowHealth> {
    const deadline = Date.now() + timeoutMs;
    let waitingFor = 'the first look at its history';
    let runId: string | null = null;
    for (;;) {
      let run: RunSnapshot | null | undefined;
      try {
        run = await snapshot(h, workflowId);
      } catch (error) {
        waitingFor = `its history (${String(error)})`;
      }
      if (run !== undefined) {
        const health = judgeRun(run);
        if (!health.ok || health.status !== 'RUNNING' || !run) return health;
        runId = health.runId;
        const quiet = quietness(run.events);
        const now = await h.env.currentTimeMs();
        if (quiet.nextTimerMs <= now + 5_000) {
          // A timer started while the clock was moving can be due moments after it stopped.
          const moved = await guard(() => h.env.sleep(Math.max(1, quiet.nextTimerMs - now + 10)), {
            timeoutMs: Math.max(1, deadline - Date.now()),
            what: 'letting an imminent timer fire',
          });
          if (!moved.ok) return { ok: false, reason: moved.reason, runId: moved.runId ?? run.runId, status: run.status, at: moved.at };
          continue;
        }
        if (quiet.quiet) return health;
        waitingFor = quiet.waitingFor;
      }
      if (Date.now() > deadline) {
        return { ok: false, reason: `did not settle within ${timeoutMs / 1000} s: still waiting for ${waitingFor}`, runId: runId ?? 'unknown', status: 'RUNNING', at: null };
      }
      await sleep(20);
    }
  }

  async function release(reason: string, timeoutMs = 30_000): Promise<void> {
    if (abandoned.size === 0) return;
    const ended = Promise.all(abandoned);
    const endedSoon = await Promise.race([ended.then(() => true), delay(Math.min(5_000, timeoutMs)).then(() => false)]);
    if (!endedSoon) {
      await h.env.client.workflow
        .getHandle(workflowId)
        .terminate(reason)
        .catch(() => undefined); // already closed, or never started
      await Promise.race([ended, delay(timeoutMs)]);
    }
    abandoned.clear();
  }

  return { health: () => workflowHealth(h, workflowId), settle, guard, release };
}
