// Every recorded history replays on the current workflow code. A failure here means a change to
// workflows/ (or the domain code they run) would break subscriptions that are already running: guard
// it with patched() (see test/replay/patched.test.ts) instead of re-exporting the histories.
import { readdirSync } from 'node:fs';
import { parseHistoryFileName } from '../../simulator/histories';
import { workflowBundle } from '../../simulator/environment';
import type { ReplayOutcome } from '../support/replay';
import { recordedHistories, replay, SCENARIOS_DIR } from '../support/replay';

const histories = recordedHistories();
let outcomes: Map<string, ReplayOutcome>;
const stackTraceFormatterBefore = Error.prepareStackTrace;

beforeAll(async () => {
  // The production workflows as the global setup bundled them for every test file.
  outcomes = await replay(await workflowBundle(), histories);
});

test("replaying leaves this process's own hooks alone, so later test files in the same Jest worker do not pay for them", () => {
  // In the SDK's default debug mode the replay installs its stack-trace formatter and promise hook
  // on this thread for good; the formatter is the half a test can see.
  expect(Error.prepareStackTrace).toBe(stackTraceFormatterBefore);
});

test('every lifecycle scenario has its recorded histories, and every history comes from a scenario', () => {
  const scenarios = readdirSync(SCENARIOS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
  const recorded = [...new Set(histories.map(({ file }) => parseHistoryFileName(file)?.scenario ?? file))].sort();
  expect(scenarios.length).toBeGreaterThanOrEqual(10);
  expect(recorded).toEqual(scenarios);
});

test('a year of renewals is recorded as its continue-as-new chain, one file per run', () => {
  const runs = histories.filter(({ file }) => parseHistoryFileName(file)?.scenario === 'renewal-year');
  expect(runs.length).toBeGreaterThanOrEqual(12);
  // Each run ends by continuing as new, but the last, which is still waiting for its next renewal.
  const continued = runs.map(({ history }) => Boolean(history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes));
  expect(continued).toEqual([...Array<boolean>(runs.length - 1).fill(true), false]);
});

test.each(histories.map(({ file }) => file))('%s replays deterministically on the current workflow code', (file) => {
  expect(outcomes.has(file)).toBe(true);
  const error = outcomes.get(file);
  if (error) throw new Error(`test/histories/${file} does not replay: ${error.name}: ${error.message}`);
});
