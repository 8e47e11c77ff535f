import fc from 'fast-check';
import { ADD_ON_CATALOGUE } from '../../domain/add-ons';
import { COUPON_CATALOGUE } from '../../domain/discounts';
import { PLAN_CATALOGUE, PRODUCT_CATALOGUE } from '../../domain/plans';
import { badCode, codesOfNothing, decodedSegment } from '../support/hostile-requests';

// The hostile suite sends valid commands to these codes and expects every one refused: a code the
// seeded catalogue holds would be accepted (CI once archived and unarchived the product `pro`, a
// slice of `__proto__` that fast-check's strings favour).
const seeded = [...PRODUCT_CATALOGUE, ...PLAN_CATALOGUE, ...ADD_ON_CATALOGUE, ...COUPON_CATALOGUE].map(({ code }) => code.toLowerCase());

/**
 * Runs a property as the hostile suite does, a few runs per endpoint, over many seeds: fast-check
 * draws the slices of `__proto__` and its like mostly in a property's first, small runs.
 */
function holdsLikeTheHostileSuite<T>(arbitrary: fc.Arbitrary<T>, holds: (value: T) => boolean): void {
  for (let seed = 0; seed < 3_000; seed += 1) fc.assert(fc.property(arbitrary, holds), { numRuns: 13, seed });
}

test('catalogue codes of nothing never name a seeded product, plan, add-on or coupon', () => {
  holdsLikeTheHostileSuite(codesOfNothing(), (code) => !seeded.includes(decodedSegment(code).trim().toLowerCase()));
});

test('bad codes in request bodies never name a seeded product, plan, add-on or coupon', () => {
  holdsLikeTheHostileSuite(badCode, (code) => typeof code !== 'string' || !seeded.includes(code.trim().toLowerCase()));
});
