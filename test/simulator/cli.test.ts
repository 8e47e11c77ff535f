// `npm run simulate -- <scenario> --json` as a user runs it: a child process on the README example.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

function simulateCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', ...args], {
    cwd: root,
    // The suite's PostgreSQL server instead of a second embedded one.
    env: { ...process.env, SIMULATOR_DATABASE_ADMIN_URL: process.env.TEST_DATABASE_ADMIN_URL },
    maxBuffer: 10 * 1024 * 1024,
  });
}

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

test('a bad scenario is refused before anything runs, naming the field, with exit code 2', async () => {
  const failure = await simulateCli('test/simulator/fixtures/bad-scenario.json').then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure?.code).toBe(2);
  expect(failure?.stderr).toMatch(/events\.0\.at: must be between start and until/);
  expect(failure?.stderr).toMatch(/paymentMethod: must be a payment method token/);
});
