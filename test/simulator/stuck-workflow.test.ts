// The simulator on a workflow that gets stuck without failing: a workflow task that fails on every
// attempt (the server retries it forever, the test server's clock stops), and an update that never
// returns. Both are injected with workflow interceptors bundled next to the production workflows,
// never by changing workflows/.
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SimulationError } from '../../simulator/failure';
import { simulate } from '../../simulator/run';
import { parseScenario } from '../../simulator/scenario';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { createTestDatabase } from '../support/database';


const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The production workflows with `interceptor` (a module in fixtures/) in every workflow. */
function bundleWith(interceptor: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [path.join(__dirname, 'fixtures', interceptor)], logger: silent as never });
}

async function failureOf(run: Promise<unknown>): Promise<SimulationError> {
  const outcome = await run.then(
    () => new Error('the simulation succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SimulationError);
  return outcome as SimulationError;
}

const scenario = (events: unknown[]) =>
  parseScenario({ start: '2028-01-31T10:00:00Z', until: '2028-04-15T00:00:00Z', plan: 'basic-monthly', paymentMethod: 'pm_card_visa', events });

test('a workflow task that fails on every attempt is reported as failing, not waited out, naming the event before it and the error', async () => {
  // fixtures/failing-workflow-tasks.ts: every workflow task from Feb 20 throws (the renewal on Feb 29 is the first).
  const workflowBundle = await bundleWith('failing-workflow-tasks.ts');
  const failure = await failureOf(
    simulate(
      scenario([
        { at: '2028-02-10T00:00:00Z', type: 'changePlan', plan: 'pro-monthly', when: 'period_end' },
        { at: '2028-03-05T00:00:00Z', type: 'cancel', when: 'period_end' },
      ]),
      {
        environment: { workflowBundle },
        // A copy of the suite's migrated template, not a migration of its own.
        database: createTestDatabase,
        // Waiting this out would end the test by jest's timeout: the failing task must be seen.
        settleTimeoutMs: 120_000,
      },
    ),
  );
  const { error, commands } = failure.timeline;
  expect(error).toMatchObject({
    stage: 'after',
    event: { number: 1, type: 'changePlan', at: '2028-02-10T00:00:00.000Z' },
    next: { number: 2, type: 'cancel', at: '2028-03-05T00:00:00.000Z' },
    workflowId: 'subscription-simulated',
    runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  expect(error.reason).toMatch(/^workflow subscription-simulated: run [0-9a-f-]{36}: its workflow task fails \(WORKFLOW_WORKER_UNHANDLED_FAILURE, \d+ attempts? recorded\): injected: the workflow code threw/);
  expect(error.failedAt! >= '2028-02-20').toBe(true);
  expect(failure.message).toMatch(/^simulation failed after event 1 \(changePlan at 2028-02-10T00:00:00\.000Z\), before event 2 \(cancel at 2028-03-05T00:00:00\.000Z\): /);
  expect(commands).toEqual([
    { at: '2028-02-10T00:00:00.000Z', type: 'changePlan', status: 200 },
    { at: '2028-03-05T00:00:00.000Z', type: 'cancel', status: null, outcome: 'not sent', reason: `the simulation stopped ${error.where}` },
  ]);
});

test('a request that hangs is given up on after the request deadline, naming the event and every event after it not sent', async () => {
  // fixtures/hanging-updates.ts: every update from Feb 8 on is accepted and never returns.
  const workflowBundle = await bundleWith('hanging-updates.ts');
  const failure = await failureOf(
    simulate(
      scenario([
        { at: '2028-02-10T00:00:00Z', type: 'pause', when: 'now' },
        { at: '2028-03-01T00:00:00Z', type: 'resume' },
      ]),
      { environment: { workflowBundle }, database: createTestDatabase, requestTimeoutMs: 2_000 },
    ),
  );
  const { error, commands } = failure.timeline;
  expect(error).toMatchObject({ stage: 'sending', event: { number: 1, type: 'pause' }, next: { number: 2, type: 'resume' } });
  expect(error.reason).toBe('the pause request: no result within 2 s');
  expect(failure.message).toBe('simulation failed while sending event 1 (pause at 2028-02-10T00:00:00.000Z): the pause request: no result within 2 s');
  expect(commands).toEqual([
    { at: '2028-02-10T00:00:00.000Z', type: 'pause', status: null, outcome: 'no answer', reason: 'the pause request: no result within 2 s' },
    { at: '2028-03-01T00:00:00.000Z', type: 'resume', status: null, outcome: 'not sent', reason: `the simulation stopped ${error.where}` },
  ]);
});
