// `npm run bench [-- renewal live simulator history documents catalogue entitlements items reads signup scale]`: runs the benches one after another (never
// in parallel: they would measure each other), prints a table per bench with the core count, and
// after a full run writes bench/RESULTS.md. Sizes: BENCH_* environment variables (see the README).
import os from 'node:os';
import path from 'node:path';
import { RESULTS_FILE, writeBenchResults } from './support/results-file';
import { historySize, type HistorySources } from './history-size';
import { apiReads } from './api-reads';
import { catalogueLists } from './catalogue-lists';
import { entitlementsLatency } from './entitlements';
import { invoiceDocuments } from './invoice-documents';
import { itemsRenewal } from './items-renewal';
import { liveMaxSeconds, liveSubscriptions } from './live-subscriptions';
import { renewalThroughput } from './renewal-throughput';
import { recordScale, scale } from './scale';
import { signups } from './signups';
import { simulatorWallTime } from './simulator-wall-time';
import { machine } from './support/machine';
import { consoleTable, goalsConsoleTable, goalsMarkdown, markdownSection, seconds, type BenchResult } from './support/report';
import { intSetting } from './support/settings';

const BENCHES = ['renewal', 'live', 'simulator', 'history', 'documents', 'catalogue', 'entitlements', 'items', 'reads', 'signup'] as const;
/** Run only when named: they take far longer than the full run's budget. */
const OPT_IN = ['scale'] as const;
type BenchName = (typeof BENCHES)[number] | (typeof OPT_IN)[number];
const KNOWN: readonly string[] = [...BENCHES, ...OPT_IN];
// The live bench is the one that can take any time (it stops at a limit); it gets what the budget
// leaves after reserving time for its own start and stop and for the simulator that follows.
const LIVE_OVERHEAD_SECONDS = 35;
const SIMULATOR_RESERVE_SECONDS = 50;
const MIN_LIVE_SECONDS = 30;

function selected(args: string[]): BenchName[] {
  const unknown = args.filter((arg) => !KNOWN.includes(arg));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${KNOWN.join(', ')}`);
  return args.length === 0 ? [...BENCHES] : [...BENCHES, ...OPT_IN].filter((name) => args.includes(name));
}

/** BENCH_* overrides in effect: the figures depend on them. */
function settings(): string {
  const set = Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_'));
  return set.length > 0 ? set.map(([name, value]) => `\`${name}=${value}\``).join(', ') : 'defaults (no BENCH_* variable set)';
}

const goalsOf = (results: BenchResult[]) => results.flatMap((result) => result.goals ?? []);

function resultsMarkdown(results: BenchResult[], totalMs: number, loadAtStart: number): string {
  const m = machine();
  return [
    '# Benchmark results',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench\` (${seconds(totalMs)} in all).`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM; Node.js ${m.node}; ${m.platform}.`,
    `Load average when the run started: ${loadAtStart.toFixed(2)} (anything well above 0 means other work shared the cores).`,
    '',
    `Settings: ${settings()}.`,
    '',
    'What each figure means, and how to run the benches: README, section "Benchmarks".',
    '',
    ...(goalsOf(results).length > 0 ? [goalsMarkdown(goalsOf(results)), ''] : []),
    ...results.flatMap((result) => [markdownSection(result), '']),
  ].join('\n');
}

async function main(): Promise<void> {
  const names = selected(process.argv.slice(2));
  const { cores } = machine();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const budgetSeconds = intSetting('BENCH_BUDGET_SECONDS', 590);
  const started = Date.now();
  const results: BenchResult[] = [];
  const failures: string[] = [];
  const sources: HistorySources = {};

  const report = (result: BenchResult, ms: number) => {
    results.push(result);
    console.log(`\n${consoleTable(result)}\ncores: ${cores}   (${seconds(ms)})\n`);
  };
  const steps: Record<BenchName, () => Promise<BenchResult>> = {
    renewal: async () => {
      const figures = await renewalThroughput();
      sources.renewal = { periods: figures.periods, runs: figures.runs };
      return figures.result;
    },
    live: () => {
      const left = budgetSeconds - (Date.now() - started) / 1000 - LIVE_OVERHEAD_SECONDS - (names.includes('simulator') ? SIMULATOR_RESERVE_SECONDS : 0);
      return liveSubscriptions(Math.round(Math.min(liveMaxSeconds(), Math.max(MIN_LIVE_SECONDS, left))));
    },
    simulator: async () => {
      const figures = await simulatorWallTime();
      sources.simulated = figures.runs;
      return figures.result;
    },
    history: async () => historySize(sources),
    documents: () => invoiceDocuments(),
    catalogue: () => catalogueLists(),
    entitlements: () => entitlementsLatency(),
    items: () => itemsRenewal(),
    reads: () => apiReads(),
    signup: () => signups(),
    // Recorded on its own (a full run keeps it): it is never part of one.
    scale: async () => {
      const result = await scale();
      recordScale(result, loadAtStart);
      return result;
    },
  };

  for (const name of names) {
    console.error(`[bench] ${name}…`);
    const benchStarted = Date.now();
    try {
      report(await steps[name](), Date.now() - benchStarted);
    } catch (error) {
      failures.push(name);
      console.error(`[bench] ${name} failed:`, error);
    }
  }

  const totalMs = Date.now() - started;
  const goals = goalsOf(results);
  if (goals.length > 0) console.log(`\n${goalsConsoleTable(goals)}\nload average at the start: ${loadAtStart.toFixed(2)}\n`);
  console.log(`all benches: ${seconds(totalMs)}; cores: ${cores}`);
  if (failures.length > 0) {
    console.error(`[bench] failed: ${failures.join(', ')}; ${path.relative(process.cwd(), RESULTS_FILE)} left as it was`);
    process.exitCode = 1;
  } else if (names.length === BENCHES.length && !names.some((name) => (OPT_IN as readonly string[]).includes(name))) {
    writeBenchResults(resultsMarkdown(results, totalMs, loadAtStart), ['fuzz', 'scale', 'scale-dev']);
    console.log(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } else {
    console.log(`a partial run: ${path.relative(process.cwd(), RESULTS_FILE)} is written only when every bench ran`);
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
