// Reads samples out of a Prometheus text exposition, for assertions on exact values and labels.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(exposition: string): Sample[] {
  return exposition
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** Samples of one metric as `{labels…, value}` rows, e.g. for toEqual on a whole gauge. */
export function series(exposition: string, name: string): Array<Record<string, string | number>> {
  return parseSamples(exposition)
    .filter((sample) => sample.name === name)
    .map((sample) => ({ ...sample.labels, value: sample.value }));
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = parseSamples(exposition).filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Metric families declared more than once (a scraper rejects the whole exposition). */
export function duplicateFamilies(exposition: string): string[] {
  const seen = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    const name = /^# TYPE (\S+)/.exec(line)?.[1];
    if (name) seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([name]) => name);
}
