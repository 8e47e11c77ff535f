// `npm run chaos`: the fault-tolerance scenarios against a real engine (Temporal dev server,
// embedded PostgreSQL, worker and API processes), one after the other on one throwaway stack.
// Each prints its figures; together they write bench/CHAOS.md.
//
//   CHAOS_SCENARIOS=1,3   run only these scenarios
//   CHAOS_BREAK=<switch>  break one guarantee on purpose (bench/chaos/support/faults.ts); runs the
//                         scenarios that must notice and records their failing figures in CHAOS.md
//   CHAOS_DEBUG=1         progress lines on stderr
//   CHAOS_HISTORY_DIR=dir scenario 8 writes the history of each workflow whose task failed there (JSON)
import os from 'node:os';
import { machine } from '../support/machine';
import { consoleTable, seconds } from '../support/report';
import { workerKill } from './scenario-1-worker-kill';
import { temporalRestart } from './scenario-2-temporal-restart';
import { databaseOutage } from './scenario-3-database-outage';
import { smtpOutage } from './scenario-4-smtp-outage';
import { gatewayTimeout } from './scenario-5-gateway-timeout';
import { gracefulShutdown } from './scenario-6-graceful-shutdown';
import { stripeWorkerKill } from './scenario-7-stripe-worker-kill';
import { postgresTemporalRestart } from './scenario-8-postgres-temporal-restart';
import { writeChaosReport, type ScenarioReport } from './support/chaos-report';
import { BREAK_SCENARIOS } from './support/faults';
import { startChaosEnvironment, type ChaosEnvironment } from './support/environment';
import type { ScenarioOutcome } from './support/outcome';

interface Scenario {
  id: number;
  run(env: ChaosEnvironment, breakSwitch: string | undefined): Promise<ScenarioOutcome>;
}

const SCENARIOS: Scenario[] = [
  { id: 1, run: workerKill },
  { id: 2, run: temporalRestart },
  { id: 3, run: databaseOutage },
  { id: 4, run: smtpOutage },
  { id: 5, run: gatewayTimeout },
  { id: 6, run: gracefulShutdown },
  { id: 7, run: stripeWorkerKill },
  // Builds the real Temporal server on its first run (minutes; scripts/setup-temporal-server.sh).
  { id: 8, run: postgresTemporalRestart },
];

/** CHAOS_SCENARIOS, else the scenarios a break must fail, else all. */
function selected(breakSwitch: string | undefined): Scenario[] {
  const raw = process.env.CHAOS_SCENARIOS || (breakSwitch ? BREAK_SCENARIOS[breakSwitch]?.join(',') : undefined);
  if (!raw) return SCENARIOS;
  const wanted = new Set(raw.split(',').map((part) => Number(part.trim())));
  return SCENARIOS.filter((scenario) => wanted.has(scenario.id));
}

async function main(): Promise<number> {
  const breakSwitch = process.env.CHAOS_BREAK || undefined;
  if (breakSwitch && !BREAK_SCENARIOS[breakSwitch]) throw new Error(`CHAOS_BREAK must be one of ${Object.keys(BREAK_SCENARIOS).join(', ')}`);
  const scenarios = selected(breakSwitch);
  const started = Date.now();
  // Figures mean little without it: a machine shared with other work is slower.
  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(`chaos: ${scenarios.length} scenario(s)${breakSwitch ? `, guarantee broken on purpose: ${breakSwitch}` : ''}`);
  const env = await startChaosEnvironment(breakSwitch);
  const reports: ScenarioReport[] = [];
  try {
    for (const scenario of scenarios) {
      const scenarioStarted = Date.now();
      let result: ScenarioOutcome;
      try {
        result = await scenario.run(env, breakSwitch);
      } catch (error) {
        const reason = String(error).split('\n')[0]!;
        result = { result: { title: `${scenario.id}. (did not finish)`, rows: [['error', reason]], notes: [String(error)] }, failures: [`did not finish: ${reason}`] };
      }
      const report = { id: scenario.id, ...result, ms: Date.now() - scenarioStarted };
      reports.push(report);
      console.log(`\n${consoleTable(result.result)}`);
      console.log(result.failures.length === 0 ? `  PASS in ${seconds(report.ms)}` : `  FAIL (${result.failures.join(', ')}) in ${seconds(report.ms)}`);
    }
  } finally {
    await env.stop();
  }
  const totalMs = Date.now() - started;
  writeChaosReport({ breakSwitch, reports, totalMs, machine: machine(), complete: reports.length === SCENARIOS.length, loadAtStart });
  const failed = reports.filter((report) => report.failures.length > 0);
  console.log(`\nchaos: ${reports.length - failed.length} passed, ${failed.length} failed in ${seconds(totalMs)}`);
  // A run with a guarantee broken on purpose succeeds when the scenarios notice it.
  return breakSwitch ? (failed.length > 0 ? 0 : 1) : failed.length > 0 ? 1 : 0;
}

// Work a scenario gave up on (a request to a process it stopped) may fail after the run moved on.
process.on('unhandledRejection', (error) => console.error(`chaos: abandoned work failed later: ${String(error).split('\n')[0]}`));
// The Temporal client retries such a call on a timer, and throws there once its connection is closed.
process.on('uncaughtException', (error) => {
  if (error.message !== 'Channel has been shut down') throw error;
  console.error(`chaos: abandoned work failed later: ${error.message}`);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
