// History size: events per billing period and the largest history seen, read from the runs the
// simulator and renewal benches recorded (no extra workload of its own).
import type { History } from '@temporalio/common/lib/proto-utils';
import { median, shapeOf, type HistoryShape } from './support/history';
import { fixed, type BenchResult, type Goal } from './support/report';

export interface HistorySources {
  /** Every run of the simulated monthly subscription (one billing period per run). */
  simulated?: History[];
  /** Renewal periods and whole runs sampled on the dev server (one-second periods). */
  renewal?: { periods: HistoryShape[]; runs: HistoryShape[] };
}

const kib = (bytes: number) => `${fixed(bytes / 1024)} KiB`;
const describe = (shapes: HistoryShape[]) =>
  `median ${median(shapes.map((s) => s.events))}, max ${Math.max(...shapes.map((s) => s.events))}`;

export function historySize(sources: HistorySources): BenchResult {
  const rows: BenchResult['rows'] = [];
  const notes: string[] = [];
  const all: Array<{ shape: HistoryShape; where: string }> = [];
  const goals: Goal[] = [];

  if (sources.simulated && sources.simulated.length > 1) {
    // The first run also opened the subscription; the rest are one billing period each.
    const runs = sources.simulated.map((run) => shapeOf(run.events ?? []));
    const periods = runs.slice(1);
    const plain = periods.filter((run) => run.charges === 1);
    const dunning = periods.filter((run) => run.charges > 1);
    if (plain.length > 0) {
      rows.push(['events per monthly period (simulator)', describe(plain)]);
      goals.push({ figure: 'history events per ordinary monthly period (median)', direction: 'at most', target: 20, measured: median(plain.map((s) => s.events)), unit: 'events' });
    }
    if (dunning.length > 0) rows.push(['events per period with a dunning episode', describe(dunning)]);
    rows.push(['events in the first run (opening + first period)', String(runs[0]!.events)]);
    all.push(...runs.map((shape) => ({ shape, where: 'simulator' })));
    notes.push('Simulator: one workflow run per monthly period (continue-as-new at each period boundary).');
  }
  if (sources.renewal && sources.renewal.periods.length > 0) {
    rows.push(['events per 1 s renewal period (dev server)', describe(sources.renewal.periods)]);
    all.push(...sources.renewal.runs.map((shape) => ({ shape, where: 'dev server, 1 s periods' })));
    notes.push('Dev server: with one-second periods a run can bill several periods before it continues-as-new, so its periods are cut at each charge instead.');
  }
  if (all.length === 0) throw new Error('no histories to measure: run the renewal or simulator bench with it');
  const largest = all.reduce((a, b) => (b.shape.events > a.shape.events ? b : a));
  const heaviest = all.reduce((a, b) => (b.shape.bytes > a.shape.bytes ? b : a));
  rows.push(['largest run history seen (events)', `${largest.shape.events} (${largest.where})`]);
  rows.push(['largest run history seen (size)', `${kib(heaviest.shape.bytes)} (${heaviest.where})`]);
  rows.push(['runs read', String(all.length)]);
  notes.push("Temporal's limits are 51,200 events and 50 MB per run (warnings from 10,240 events / 10 MB).");
  return { title: 'History size', rows, notes, goals };
}
