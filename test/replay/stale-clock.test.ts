// Workflow time is not always the task's: a worker that answers a query first can replay up to a
// timer that fired with the previous task's time (chaos scenario 8 recorded one such run, which
// then failed on every replay). Here recorded renewals are replayed as if the task after each fired
// timer had run with the time its timer was started at: a step whose timer fired must run all the
// same, and the older loop, which asked the clock again, is shown to fail on the same histories.
import type { History } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { fetchRunChain } from '../../simulator/histories';
import { historyFromJSON, historyToJSON } from '../../simulator/history-json';
import { QuietLogger, workflowBundle } from '../../simulator/environment';
import { startHarness, testApp, type Harness } from '../support/harness';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { replay, type RecordedHistory } from '../support/replay';

let h: Harness;
let recorded: RecordedHistory[];

beforeAll(async () => {
  // Core logs each expected nondeterminism below as a warning; only errors are news here.
  h = await startHarness({ runtime: { logger: new QuietLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } } });
  const d = driver(h, testApp(h));
  expect((await d.create({ id: 'stale', customer: newCustomer('stale'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' })).status).toBe('active');
  await d.advance(95 * DAY);
  await d.until('stale', (s) => s.stats.paidPeriods === 4, 'four paid periods');
  recorded = (await fetchRunChain(h.env.client.workflow, 'subscription-stale')).map((run, index) => ({ file: `run-${index}`, history: run.history }));
});
afterAll(async () => {
  await h?.teardown();
});

interface JsonEvent {
  eventId: string;
  eventTime: string;
  timerFiredEventAttributes?: { startedEventId: string };
  workflowTaskStartedEventAttributes?: object;
  workflowExecutionStartedEventAttributes?: { input: { payloads: Array<{ metadata: Record<string, string>; data: string }> } };
}

/** The history in its JSON form (as `temporal workflow show --output json`), to edit. */
const asJson = (history: History): { events: JsonEvent[] } => JSON.parse(historyToJSON(history));

/** The history with each task after a fired timer started at the time its timer was started. */
function withStaleClock(history: History): { history: History; timers: number } {
  const json = asJson(history);
  let timers = 0;
  json.events.forEach((event, index) => {
    const fired = event.timerFiredEventAttributes;
    const startedTimer = fired && json.events.find((e) => e.eventId === fired.startedEventId);
    const task = json.events.slice(index + 1).find((e) => e.workflowTaskStartedEventAttributes);
    if (!startedTimer || !task) return;
    task.eventTime = startedTimer.eventTime;
    timers += 1;
  });
  return { history: historyFromJSON(json), timers };
}

/** The history as a run started by the older loop would have it: no timerRunsStep in its input. */
function withoutTimerRunsStep(history: History): History {
  const json = asJson(history);
  const payload = json.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
  const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
  expect(input.timerRunsStep).toBe(true);
  delete input.timerRunsStep;
  payload.data = Buffer.from(JSON.stringify(input)).toString('base64');
  return historyFromJSON(json);
}

// Finished renewal runs: the last run is still asleep, its timer not fired.
const renewals = () => recorded.slice(1, -1).map(({ file, history }) => ({ file, ...withStaleClock(history) }));

test('a renewal whose timer fired runs its step even when the task that resumes it has the previous task\'s clock', async () => {
  const stale = renewals();
  expect(stale.length).toBeGreaterThanOrEqual(2);
  for (const run of stale) expect(run.timers).toBeGreaterThanOrEqual(1);
  const outcomes = await replay(await workflowBundle(), stale);
  expect([...outcomes].filter(([, error]) => error).map(([file, error]) => `${file}: ${error!.message}`)).toEqual([]);
});

test('the older loop, which asked the clock again after its timer fired, fails on those histories', async () => {
  const older = renewals().map(({ file, history }) => ({ file, history: withoutTimerRunsStep(history) }));
  const outcomes = await replay(await workflowBundle(), older);
  expect(outcomes.size).toBe(older.length);
  for (const error of outcomes.values()) expect(error).toBeInstanceOf(DeterminismViolationError);
});
