// The simulator on an engine that fails: a charge activity that fails for good (the issue: the
// workflow FAILED, `npm run simulate` still exited 0 and left an event unanswered). Failures are
// injected through the environment (a payment gateway that throws), never by changing workflows/.
import { simulateCommand } from '../../simulator/cli';
import { SimulationError } from '../../simulator/failure';
import { simulate } from '../../simulator/run';
import { parseScenario } from '../../simulator/scenario';
import { createTestDatabase } from '../support/database';
import { capturedOutput } from './fixtures/captured-output';
import { failingGateway, INJECTED_MESSAGE } from './fixtures/failing-gateway';

beforeAll(() => {
  // `simulateCommand` makes its databases as `npm run simulate` does, on the suite's PostgreSQL server.
  process.env.SIMULATOR_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL;
});

test('a workflow that fails at a renewal stops the simulation: exit code 1, the event before it and the error named, later events not sent', async () => {
  // fixtures/failing-renewal.json: a plan change at period end on Feb 10, a renewal on Feb 29
  // whose charge throws, then a cancel and an uncancel that must not be reported as all well.
  const { out, output } = capturedOutput();
  const code = await simulateCommand(['test/simulator/fixtures/failing-renewal.json'], output, {
    environment: { gateway: failingGateway('2028-02-20T00:00:00Z') },
  });
  expect(code).toBe(1);
  // Whether the workflow fails or its workflow task does depends on the workflow code: both are failures.
  const failure = /simulation failed after event 1 \(changePlan at 2028-02-10T00:00:00\.000Z\), before event 2 \(cancel at 2028-03-05T00:00:00\.000Z\): workflow subscription-simulated: .+/;
  expect(out.stderr).toMatch(failure);
  expect(out.stderr).toContain(INJECTED_MESSAGE);
  // The report for people says the same: where, why, and which commands were not sent.
  expect(out.stdout).toContain('SIMULATION FAILED after event 1 (changePlan at 2028-02-10T00:00:00.000Z), before event 2 (cancel at 2028-03-05T00:00:00.000Z)');
  expect(out.stdout).toContain(INJECTED_MESSAGE);
  expect(out.stdout).toMatch(/2028-02-10 00:00\s+changePlan\s+200/);
  expect(out.stdout).toMatch(/2028-03-05 00:00\s+cancel\s+not sent/);
  expect(out.stdout).toMatch(/2028-03-20 00:00\s+uncancel\s+not sent/);
  expect(out.stdout).toMatch(/workflow: subscription-simulated, run [0-9a-f-]{36}/);
});

test('a 5xx answer to an event stops the simulation, naming the event being sent', async () => {
  const scenario = parseScenario({
    start: '2028-01-31T10:00:00Z',
    until: '2028-04-01T00:00:00Z',
    plan: 'basic-monthly',
    paymentMethod: 'pm_card_visa',
    events: [
      // Charged at once (proration), after the gateway broke.
      { at: '2028-02-25T00:00:00Z', type: 'changePlan', plan: 'pro-monthly', when: 'now' },
      { at: '2028-03-10T00:00:00Z', type: 'cancel', when: 'period_end' },
    ],
  });
  // The API logs the unexpected error behind a 5xx; the failure below names it.
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const failure = await simulate(scenario, { environment: { gateway: failingGateway('2028-02-20T00:00:00Z') }, database: createTestDatabase }).then(
    () => null,
    (error: unknown) => error,
  );
  logged.mockRestore();
  expect(failure).toBeInstanceOf(SimulationError);
  const { timeline } = failure as SimulationError;
  expect(timeline.error).toMatchObject({
    stage: 'sending',
    event: { number: 1, at: '2028-02-25T00:00:00.000Z', type: 'changePlan' },
    next: { number: 2, at: '2028-03-10T00:00:00.000Z', type: 'cancel' },
    workflowId: 'subscription-simulated',
  });
  expect(timeline.error.message).toMatch(/^simulation failed while sending event 1 \(changePlan at 2028-02-25T00:00:00\.000Z\): /);
  // A 500 (the update failed) or no answer (the workflow, or its task, failed meanwhile).
  const [sent, notSent] = timeline.commands;
  if (sent?.status === null) {
    expect(sent).toMatchObject({ outcome: 'no answer', reason: timeline.error.reason });
  } else {
    expect(sent?.status).toBeGreaterThanOrEqual(500);
    expect(timeline.error.reason).toMatch(/^the API answered 5\d\d/);
  }
  // Either way the cause is named: the failed update's failure, or the workflow's.
  expect(timeline.error.reason).toContain(INJECTED_MESSAGE);
  expect(notSent).toEqual({ at: '2028-03-10T00:00:00.000Z', type: 'cancel', status: null, outcome: 'not sent', reason: expect.stringContaining('the simulation stopped while sending event 1') });
  // What the engine recorded until then is still there: the first period's invoice, paid.
  expect(timeline.invoices[0]).toMatchObject({ periodStart: expect.stringMatching(/^2028-01-31/), status: 'paid' });
});
