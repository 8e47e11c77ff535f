// The rules of workflowHealth (simulator/health.ts) on histories as the server records them: which
// runs count as failed or stuck, and which workflow task failures are no news.
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { RunSnapshot } from '../../simulator/health';
import { judgeRun, quietness } from '../../simulator/health';

const { EventType, TimeoutType, WorkflowTaskFailedCause, ContinueAsNewInitiator } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const at = (iso: string) => msToTs(Date.parse(iso));
const event = (eventType: number, attributes: Partial<HistoryEvent> = {}, time = '2028-02-29T10:00:00Z'): HistoryEvent => ({ eventType, eventTime: at(time), ...attributes });
const started = (attributes: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes = {}) =>
  event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: attributes });
const task = {
  scheduled: () => event(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  started: () => event(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  completed: () => event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  failed: (cause: number, message: string) =>
    event(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, { workflowTaskFailedEventAttributes: { cause, failure: { message } } }),
  timedOut: (timeoutType: number) => event(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, { workflowTaskTimedOutEventAttributes: { timeoutType } }),
};
const completedTask = [task.scheduled(), task.started(), task.completed()];
const run = (status: string, events: HistoryEvent[]): RunSnapshot => ({ runId: 'run-1', status, events });

test('a running workflow whose tasks complete is healthy, and so is one that ended or does not exist yet', () => {
  expect(judgeRun(run('RUNNING', [started(), ...completedTask]))).toEqual({ ok: true, status: 'RUNNING', runId: 'run-1' });
  expect(judgeRun(run('COMPLETED', [started(), ...completedTask, event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)]))).toMatchObject({ ok: true });
  expect(judgeRun(null)).toEqual({ ok: true, status: 'NOT_FOUND', runId: null });
});

test('a failed run is unhealthy, with its failure and causes and when it failed', () => {
  const failed = event(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    {
      workflowExecutionFailedEventAttributes: {
        failure: {
          message: 'Activity task failed',
          activityFailureInfo: { activityType: { name: 'chargeInvoice' } },
          cause: { message: 'processor down', applicationFailureInfo: { type: 'ProcessorError', nonRetryable: true } },
        },
      },
    },
    '2028-02-29T10:00:01Z',
  );
  expect(judgeRun(run('FAILED', [started(), ...completedTask, failed]))).toEqual({
    ok: false,
    status: 'FAILED',
    runId: 'run-1',
    reason: 'run run-1 closed as FAILED: Activity task failed (chargeInvoice): processor down [ProcessorError]',
    at: '2028-02-29T10:00:01.000Z',
  });
});

test.each([
  ['TERMINATED', event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, { workflowExecutionTerminatedEventAttributes: { reason: 'by hand' } }), 'terminated: by hand'],
  ['TIMED_OUT', event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, { workflowExecutionTimedOutEventAttributes: {} }), 'timed out'],
  ['CANCELLED', event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, { workflowExecutionCanceledEventAttributes: {} }), 'canceled'],
])('a run closed as %s is unhealthy', (status, close, reason) => {
  expect(judgeRun(run(status, [started(), ...completedTask, close]))).toMatchObject({ ok: false, status, reason: expect.stringContaining(reason) });
});

test('a run started again after a failed run of its chain names the failed run', () => {
  const retried = started({ initiator: ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY, continuedExecutionRunId: 'run-0', continuedFailure: { message: 'boom' } });
  expect(judgeRun(run('RUNNING', [retried, ...completedTask]))).toMatchObject({ ok: false, runId: 'run-0', reason: 'run run-0 failed and was retried as run run-1: boom' });
  // Continued-as-new is how a healthy chain goes on.
  const continued = started({ initiator: ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW, continuedExecutionRunId: 'run-0' });
  expect(judgeRun(run('RUNNING', [continued, ...completedTask]))).toMatchObject({ ok: true });
});

test('a workflow task that failed since the last completed one is unhealthy: on the test server (every attempt recorded) and on a real one (the first only)', () => {
  const failure = task.failed(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, 'boom');
  const retrying = [started(), ...completedTask, task.scheduled(), task.started(), failure, task.scheduled(), task.started()];
  expect(judgeRun(run('RUNNING', retrying))).toMatchObject({
    ok: false,
    reason: 'run run-1: its workflow task fails (WORKFLOW_WORKER_UNHANDLED_FAILURE, 2 attempts recorded): boom',
  });
  expect(judgeRun(run('RUNNING', [started(), ...completedTask, task.scheduled(), task.started(), failure]))).toMatchObject({ ok: false });
  // Non-determinism is as stuck.
  const nondeterministic = task.failed(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR, 'nondeterminism');
  expect(judgeRun(run('RUNNING', [started(), task.scheduled(), task.started(), nondeterministic]))).toMatchObject({ ok: false });
});

test('workflow task failures that are no news are not failures: recovered, or failed by the server for its own reasons', () => {
  const recovered = [started(), task.scheduled(), task.started(), task.failed(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, 'once'), ...completedTask];
  expect(judgeRun(run('RUNNING', recovered))).toMatchObject({ ok: true });
  const unhandledCommand = [started(), ...completedTask, task.scheduled(), task.started(), task.failed(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, 'new signal')];
  expect(judgeRun(run('RUNNING', unhandledCommand))).toMatchObject({ ok: true });
});

test('a workflow task that keeps timing out is unhealthy; one timeout, or a sticky queue nobody polls, is not', () => {
  const startToClose = () => task.timedOut(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  const once = [started(), ...completedTask, task.scheduled(), task.started(), startToClose(), task.scheduled(), task.started()];
  expect(judgeRun(run('RUNNING', once))).toMatchObject({ ok: true });
  expect(judgeRun(run('RUNNING', [...once, startToClose()]))).toMatchObject({ ok: false, reason: 'run run-1: its workflow task keeps timing out (2 attempts in a row)' });
  const sticky = [started(), ...completedTask, task.scheduled(), task.timedOut(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START), task.scheduled(), task.timedOut(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)];
  expect(judgeRun(run('RUNNING', sticky))).toMatchObject({ ok: true });
});

test('a run is quiet once its last workflow task completed and no activity is outstanding', () => {
  const scheduled = event(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, { eventId: 5 as unknown as Long, activityTaskScheduledEventAttributes: { activityType: { name: 'chargeInvoice' } } });
  expect(quietness([started(), ...completedTask])).toMatchObject({ quiet: true });
  expect(quietness([started(), ...completedTask, scheduled])).toMatchObject({ quiet: false, waitingFor: 'activities chargeInvoice' });
  const done = event(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { activityTaskCompletedEventAttributes: { scheduledEventId: 5 as unknown as Long } });
  expect(quietness([started(), ...completedTask, scheduled, done, ...completedTask])).toMatchObject({ quiet: true });
  expect(quietness([started(), ...completedTask, task.scheduled()])).toMatchObject({ quiet: false, waitingFor: expect.stringContaining('its workflow task') });
});
