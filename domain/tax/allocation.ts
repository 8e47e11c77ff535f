// Splitting an amount into parts proportional to weights by the largest remainder method: each
// part gets the floor of its exact share, and the cents left over go one each to the parts with
// the largest remainders (the earlier part on a tie), so the parts always sum to the amount.
// A negative amount is split as its magnitude and negated, so credits mirror charges exactly.

/** `amountCents` split in proportion to `weights` (non-negative, not all zero); same order as `weights`. */
export function allocateProportionally(amountCents: number, weights: readonly (number | bigint)[]): number[] {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`amount must be a safe integer, got ${amountCents}`);
  const shares = weights.map((weight) => {
    if (typeof weight === 'number' && !Number.isSafeInteger(weight)) throw new RangeError(`weight must be a safe integer, got ${weight}`);
    const share = BigInt(weight);
    if (share < 0n) throw new RangeError(`weights must not be negative, got ${weight}`);
    return share;
  });
  const total = shares.reduce((sum, share) => sum + share, 0n);
  if (total === 0n) throw new RangeError('cannot allocate over weights that sum to zero');

  const magnitude = BigInt(Math.abs(amountCents));
  const exact = shares.map((share) => magnitude * share);
  const parts = exact.map((product) => product / total);
  let leftover = magnitude - parts.reduce((sum, part) => sum + part, 0n);
  const byRemainder = exact
    .map((product, index) => ({ index, remainder: product % total }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (leftover === 0n) break;
    parts[index] = parts[index]! + 1n;
    leftover -= 1n;
  }
  return parts.map((part) => Number(amountCents < 0 ? -part : part));
}
