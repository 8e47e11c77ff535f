// bench/RESULTS.md holds the benches' results (written whole by `npm run bench`) and sections that
// other runs record on their own (`npm run fuzz -- --record`), each between its two markers; a
// bench run keeps those sections as they were.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RESULTS_FILE = path.resolve(__dirname, '..', 'RESULTS.md');

const markers = (name: string) => [`<!-- ${name}: start -->`, `<!-- ${name}: end -->`] as const;

function section(text: string, name: string): string | null {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from ? text.slice(from, to + end.length) : null;
}

/** Writes `markdown` as the named section of RESULTS.md, in place of the one there, or at the end. */
export function recordSection(name: string, markdown: string): void {
  const text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '# Benchmark results\n';
  const [start, end] = markers(name);
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const old = section(text, name);
  writeFileSync(RESULTS_FILE, old ? text.replace(old, block) : `${text.trimEnd()}\n\n${block}\n`);
}

/** Writes the benches' results, keeping the sections other runs recorded. */
export function writeBenchResults(markdown: string, keep: readonly string[]): void {
  const text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
  const kept = keep.map((name) => section(text, name)).filter((block): block is string => block !== null);
  writeFileSync(RESULTS_FILE, [markdown.trimEnd(), ...kept].join('\n\n') + '\n');
}
