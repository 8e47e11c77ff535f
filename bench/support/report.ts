// One result shape for every bench: a titled table of figures and the notes needed to read them,
// printed to the console and written to bench/RESULTS.md.

export interface BenchResult {
  title: string;
  rows: Array<[figure: string, value: string]>;
  notes: string[];
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
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Seconds, or minutes once it is long enough that seconds are hard to read. */
export const duration = (ms: number) => (ms >= 600_000 ? `${(ms / 60_000).toFixed(0)} min` : seconds(ms));
