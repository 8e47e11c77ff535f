// Bench sizes come from the environment so a slow or fast machine can scale them; defaults keep
// `npm run bench` under 10 minutes on 2 cores.

/** A positive whole number from `name`, or `fallback` when unset; anything else stops the bench. */
export function intSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}
