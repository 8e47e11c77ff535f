// The rounding rule for VAT: tax is computed per line and rounded to the minor unit with halves
// rounded away from zero (5.5 → 6, −5.5 → −6), so a credit's tax is exactly the negation of the
// charge's. Invoice totals and VAT summary rows are sums of the lines' rounded amounts, never
// recomputed from a total: what the customer reads on each line adds up to what they pay.
// Integer maths only; products go through BigInt because amount × basis points can pass 2^53.

const BASIS_POINTS_PER_WHOLE = 10_000n;

function toBigInt(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return BigInt(value);
}

/** numerator ÷ denominator rounded to an integer, halves away from zero. */
export function roundHalfAwayFromZero(numerator: number | bigint, denominator: number | bigint): number {
  let n = toBigInt(numerator, 'numerator');
  let d = toBigInt(denominator, 'denominator');
  if (d === 0n) throw new RangeError('cannot divide by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const magnitude = n < 0n ? -n : n;
  const rounded = (magnitude * 2n + d) / (d * 2n);
  const result = n < 0n ? -rounded : rounded;
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${n} / ${d} does not fit in a safe integer`);
  }
  return Number(result);
}

/** The VAT on a price that excludes it. */
export function taxOnNet(netCents: number, rateBasisPoints: number): number {
  return roundHalfAwayFromZero(toBigInt(netCents, 'net') * toBigInt(rateBasisPoints, 'rate'), BASIS_POINTS_PER_WHOLE);
}

/** The VAT contained in a price that includes it. */
export function taxInGross(grossCents: number, rateBasisPoints: number): number {
  const rate = toBigInt(rateBasisPoints, 'rate');
  return roundHalfAwayFromZero(toBigInt(grossCents, 'gross') * rate, BASIS_POINTS_PER_WHOLE + rate);
}
