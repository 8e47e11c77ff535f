// One result shape for every bench: a titled table of figures and the notes needed to read them,
// printed to the console and written to bench/RESULTS.md.

export interface BenchResult {
  title: string;
  rows: Array<[figure: string, value: string]>;
  notes: string[];
  /** The issue's targets this bench measures; `npm run bench` gathers them into one table. */
  goals?: Goal[];
}

/** A target and what was measured against it, in the same unit. */
export interface Goal {
  figure: string;
  /** 'at most' for latencies, times and sizes; 'at least' for rates and ratios. */
  direction: 'at most' | 'at least';
  target: number;
  measured: number;
  unit: string;
  /** Where the goal is missed: what the profile shows (blank when met). */
  why?: string;
}

export const goalMet = (goal: Goal) => (goal.direction === 'at most' ? goal.measured <= goal.target : goal.measured >= goal.target);

/** "met", or how far off: "missed by 12 ms (+24 %)". */
export function goalVerdict(goal: Goal): string {
  if (goalMet(goal)) return 'met';
  const gap = Math.abs(goal.measured - goal.target);
  const share = goal.target === 0 ? '' : ` (${goal.direction === 'at most' ? '+' : '−'}${((gap / goal.target) * 100).toFixed(0)} %)`;
  return `missed by ${trim(gap)}${goal.unit ? ` ${goal.unit}` : ''}${share}`;
}

const trim = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1));

function goalRows(goals: Goal[]): string[][] {
  return goals.map((goal) => [
    goal.figure,
    `${goal.direction} ${trim(goal.target)}${goal.unit ? ` ${goal.unit}` : ''}`,
    `${trim(goal.measured)}${goal.unit ? ` ${goal.unit}` : ''}`,
    goalVerdict(goal),
  ]);
}

/** Every goal of a run in one console table, then the reasons for the missed ones. */
export function goalsConsoleTable(goals: Goal[]): string {
  const header = ['goal', 'target', 'measured', 'verdict'];
  const rows = [header, ...goalRows(goals)];
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const why = goals.filter((goal) => !goalMet(goal) && goal.why).map((goal) => `  - ${goal.figure}: ${goal.why}`);
  return ['Goals', rule, line(header), rule, ...rows.slice(1).map(line), rule, ...why].join('\n');
}

export function goalsMarkdown(goals: Goal[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const why = goals.filter((goal) => !goalMet(goal) && goal.why).map((goal) => `- ${goal.figure}: ${goal.why}`);
  return [
    '## Goals',
    '',
    '| Goal | Target | Measured | Verdict |',
    '| --- | ---: | ---: | --- |',
    ...goalRows(goals).map((row) => `| ${row.map(escape).join(' | ')} |`),
    ...(why.length > 0 ? ['', ...why] : []),
  ].join('\n');
}

export function consoleTable(result: BenchResult): string {
  const width = Math.max(...result.rows.map(([figure]) => figure.length));
  const valueWidth = Math.max(...result.rows.map(([, value]) => value.length));
  const rule = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  const lines = [result.title, rule, ...result.rows.map(([figure, value]) => `| ${figure.padEnd(width)} | ${value.padStart(valueWidth)} |`), rule];
  return [...lines, ...result.notes.map((note) => `  - ${note}`)].join('\n');
}

export function markdownSection(result: BenchResult): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `## ${result.title}`,
    '',
    '| Figure | Value |',
    '| --- | ---: |',
    ...result.rows.map(([figure, value]) => `| ${escape(figure)} | ${escape(value)} |`),
    '',
    ...result.notes.map((note) => `- ${note}`),
  ].join('\n');
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** The value at percentile `p` (0-100) of ascending `sorted`: the smallest with p % of values at or below it. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Seconds, or minutes once it is long enough that seconds are hard to read. */
export const duration = (ms: number) => (ms >= 600_000 ? `${(ms / 60_000).toFixed(0)} min` : seconds(ms));
