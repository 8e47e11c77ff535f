// Proration, computed to the second like Stripe: an amount for part of a period is
// amount × remaining seconds ÷ period seconds, rounded to the nearest minor unit with halves
// rounded away from zero. Integer arithmetic (BigInt) keeps it exact for any price.
import type { Period } from './calendar';

function seconds(iso: string): bigint {
  return BigInt(Math.floor(new Date(iso).getTime() / 1000));
}

/** Whole seconds of `period` from `at` to its end, and the period's length in seconds. */
export function remainingSeconds(period: Period, at: string): { remaining: bigint; total: bigint } {
  const start = seconds(period.start);
  const end = seconds(period.end);
  const now = seconds(at);
  const clamped = now < start ? start : now > end ? end : now;
  return { remaining: end - clamped, total: end - start };
}

/** `amountCents` × numerator ÷ denominator, rounded half away from zero. */
export function scale(amountCents: number, numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) return 0;
  const product = BigInt(amountCents) * numerator;
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return Number(negative ? -rounded : rounded);
}

/** The share of a full-period price that covers the rest of the period from `at`. */
export function prorate(amountCents: number, period: Period, at: string): number {
  const { remaining, total } = remainingSeconds(period, at);
  return scale(amountCents, remaining, total);
}

export function describeSpan(period: Period, at: string): string {
  const from = at > period.start ? at : period.start;
  return `${from.slice(0, 10)} – ${period.end.slice(0, 10)}`;
}
