// `npm run simulate -- <scenario> --json` as a user runs it: a child process on the README example.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { simulateCommand, USAGE } from '../../simulator/cli';
import type { FailedTimeline } from '../../simulator/failure';
import { capturedOutput } from './fixtures/captured-output';
import { INJECTED_MESSAGE } from './fixtures/failing-gateway';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

function simulateCli(...args: string[]) {
  return runScript('scripts/simulate.ts', args);
}

function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    // The suite's PostgreSQL server instead of a second embedded one, and copies of its migrated
    // template instead of a migration per process (test/simulator/failures.test.ts migrates one).
    env: { ...process.env, SIMULATOR_DATABASE_ADMIN_URL: process.env.TEST_DATABASE_ADMIN_URL, SIMULATOR_DATABASE_TEMPLATE: process.env.TEST_DATABASE_TEMPLATE, ...env },
    maxBuffer: 10 * 1024 * 1024,
  });
}

/** How a run that must fail ended: its exit code and output. */
const failed = (error: { code: number; stdout: string; stderr: string }) => error;

test('the JSON of the README example shows the mid-period upgrade as proration lines, to the cent', async () => {
  const { stdout } = await simulateCli('examples/scenarios/upgrade-then-cancel.json', '--json');
  const timeline = JSON.parse(stdout) as { invoices: Array<{ periodStart: string; lines: Array<{ description: string; amountCents: number }>; totalCents: number; currency: string; status: string }> };
  const proration = timeline.invoices.find((invoice) => invoice.periodStart.startsWith('2028-03-15'));
  // Pro (29.00) → Business (99.00) with 16 d 10 h left of a 31-day period: 1,418,400 / 2,678,400 s.
  expect(proration).toMatchObject({
    currency: 'EUR',
    status: 'paid',
    totalCents: 3707,
    lines: [
      { description: expect.stringContaining('Unused time on Pro monthly'), amountCents: -1536 },
      { description: expect.stringContaining('Remaining time on Business monthly'), amountCents: 5243 },
    ],
  });
  expect(timeline.invoices.filter((invoice) => invoice.periodStart > '2028-03-31').every((invoice) => invoice.totalCents === 9900)).toBe(true);
});

test("many scenarios run in one process, each on its own clock and database, with each one's wall time; one the API refuses to open does not stop the others", async () => {
  const unknownPlan = 'test/simulator/fixtures/unknown-plan.json';
  const failure = await simulateCli('examples/scenarios/monthly-box.json', unknownPlan, 'examples/scenarios/imported-then-upgrade.json', '--json').then(() => undefined, failed);
  // A scenario that could not run: exit code 2, once every scenario has run.
  expect(failure?.code).toBe(2);
  const { stdout, stderr } = failure!;
  const runs = JSON.parse(stdout) as Array<{ file: string; seconds: number; refused?: string; timeline?: { subscriptionId: string; invoices: Array<{ periodStart: string; lines: Array<{ description: string }> }> } }>;
  const boxLines = (index: number) => runs[index]!.timeline!.invoices.flatMap((invoice) => invoice.lines).filter((line) => line.description.startsWith('Monthly box')).length;
  expect(runs.map((run) => run.file)).toEqual(['examples/scenarios/monthly-box.json', unknownPlan, 'examples/scenarios/imported-then-upgrade.json']);
  expect(runs[1]).toEqual({ file: unknownPlan, seconds: expect.any(Number), refused: expect.stringContaining('platinum-monthly') });
  // Both are the subscription `simulated`, yet neither sees the other's invoices: a database each.
  expect(boxLines(0)).toBeGreaterThan(0);
  expect(boxLines(2)).toBe(0);
  expect(runs.every((run) => run.seconds > 0)).toBe(true);
  expect(stderr).toMatch(/examples\/scenarios\/monthly-box\.json +ran +\d+\.\d s/);
  expect(stderr).toMatch(/test\/simulator\/fixtures\/unknown-plan\.json +refused +\d+\.\d s/);
  expect(stderr).toMatch(/examples\/scenarios\/imported-then-upgrade\.json +ran +\d+\.\d s/);
});

// Refusals happen before any server starts, so these call the command in this process (a child
// process of its own cost 3 s of CPU to load the modules); the exit code is what it answers.
test('one bad file among many refuses the run before any scenario runs, naming the file', async () => {
  const { out, output } = capturedOutput();
  expect(await simulateCommand(['examples/scenarios/monthly-box.json', 'test/simulator/fixtures/bad-scenario.json'], output)).toBe(2);
  expect(out.stderr).toMatch(/test\/simulator\/fixtures\/bad-scenario\.json is not a valid scenario:[^]*events\.0\.at: must be between start and until/);
  expect(out.stdout).toBe('');
});

test('a bad scenario is refused before anything runs, naming the field, with exit code 2', async () => {
  const { out, output } = capturedOutput();
  expect(await simulateCommand(['test/simulator/fixtures/bad-scenario.json', '--json'], output)).toBe(2);
  expect(out.stderr).toMatch(/events\.0\.at: must be between start and until/);
  expect(out.stderr).toMatch(/paymentMethod: must be a payment method token/);
  expect(out.stdout).toBe('');
});

test('without a scenario file the usage is printed, with exit code 2', async () => {
  const { out, output } = capturedOutput();
  expect(await simulateCommand(['--json'], output)).toBe(2);
  expect(out.stderr).toBe(`${USAGE}\n`);
});

test('when the workflow fails mid-scenario, --json still prints the timeline with every event answered and the error, and the exit code is 1', async () => {
  // The command scripts/simulate.ts runs, in a process of its own, with a gateway that throws for
  // good from Feb 20 (the renewal on Feb 29): the workflow fails (or its workflow task does),
  // which the issue saw reported as success.
  const failure = await runScript('test/simulator/fixtures/simulate-failing-gateway.ts', ['test/simulator/fixtures/failing-renewal.json', '--json'], {
    SIMULATE_FAIL_CHARGES_FROM: '2028-02-20T00:00:00Z',
  }).then(() => undefined, failed);
  expect(failure?.code).toBe(1);
  const where = 'after event 1 (changePlan at 2028-02-10T00:00:00.000Z), before event 2 (cancel at 2028-03-05T00:00:00.000Z)';
  expect(failure?.stderr).toContain(`simulation failed ${where}: workflow subscription-simulated: `);
  expect(failure?.stderr).toContain(INJECTED_MESSAGE);

  const timeline = JSON.parse(failure!.stdout) as FailedTimeline;
  expect(timeline.commands).toEqual([
    { at: '2028-02-10T00:00:00.000Z', type: 'changePlan', status: 200 },
    { at: '2028-03-05T00:00:00.000Z', type: 'cancel', status: null, outcome: 'not sent', reason: `the simulation stopped ${where}` },
    { at: '2028-03-20T00:00:00.000Z', type: 'uncancel', status: null, outcome: 'not sent', reason: `the simulation stopped ${where}` },
  ]);
  expect(timeline.error).toMatchObject({
    where,
    stage: 'after',
    event: { number: 1, at: '2028-02-10T00:00:00.000Z', type: 'changePlan' },
    next: { number: 2, at: '2028-03-05T00:00:00.000Z', type: 'cancel' },
    workflowId: 'subscription-simulated',
    runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    reason: expect.stringContaining(INJECTED_MESSAGE),
  });
  expect(timeline.error.message).toBe(`simulation failed ${where}: ${timeline.error.reason}`);
  // What the engine recorded until then is reported too: the first period, billed and paid.
  expect(timeline.invoices[0]).toMatchObject({ periodStart: expect.stringMatching(/^2028-01-31/), status: 'paid' });
});
