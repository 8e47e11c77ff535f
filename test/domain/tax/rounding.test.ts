import { allocateProportionally } from '../../../domain/tax/allocation';
import { roundHalfAwayFromZero, taxInGross, taxOnNet } from '../../../domain/tax/rounding';

describe('roundHalfAwayFromZero', () => {
  test('rounds halves away from zero for both signs', () => {
    expect(roundHalfAwayFromZero(5, 2)).toBe(3);
    expect(roundHalfAwayFromZero(-5, 2)).toBe(-3);
    expect(roundHalfAwayFromZero(15, 10)).toBe(2);
    expect(roundHalfAwayFromZero(-15, 10)).toBe(-2);
    expect(roundHalfAwayFromZero(1, 2)).toBe(1);
    expect(roundHalfAwayFromZero(-1, 2)).toBe(-1);
  });

  test('rounds below a half toward zero and above a half away from it', () => {
    expect(roundHalfAwayFromZero(14, 10)).toBe(1);
    expect(roundHalfAwayFromZero(-14, 10)).toBe(-1);
    expect(roundHalfAwayFromZero(16, 10)).toBe(2);
    expect(roundHalfAwayFromZero(-16, 10)).toBe(-2);
  });

  test('treats a negative denominator like a negative numerator', () => {
    expect(roundHalfAwayFromZero(5, -2)).toBe(-3);
    expect(roundHalfAwayFromZero(-5, -2)).toBe(3);
  });

  test('refuses to divide by zero and non-integer inputs', () => {
    expect(() => roundHalfAwayFromZero(1, 0)).toThrow(/divide by zero/);
    expect(() => roundHalfAwayFromZero(1.5, 2)).toThrow(/safe integer/);
  });
});

describe('taxOnNet', () => {
  test('adds 25 % to a net price', () => {
    expect(taxOnNet(10_000, 2500)).toBe(2500);
  });

  test('rounds a half cent of VAT away from zero: 0.02 at 25 % is 0.005 → 0.01, and a credit mirrors it', () => {
    expect(taxOnNet(2, 2500)).toBe(1);
    expect(taxOnNet(-2, 2500)).toBe(-1);
    expect(taxOnNet(10, 1500)).toBe(2); // 1.5 cents
    expect(taxOnNet(-10, 1500)).toBe(-2);
  });

  test('is exactly symmetric for credits at every rate', () => {
    for (const rate of [2500, 2550, 1500, 1200, 600, 0]) {
      for (let net = 0; net <= 500; net += 1) expect(taxOnNet(-net, rate) + taxOnNet(net, rate)).toBe(0);
    }
  });

  test('stays exact when amount × rate passes 2^53', () => {
    expect(taxOnNet(9_007_199_254_740, 2500)).toBe(2_251_799_813_685);
  });
});

describe('taxInGross', () => {
  test('finds the VAT inside a price that includes it: 125.00 at 25 % holds 25.00, 115.00 at 15 % holds 15.00', () => {
    expect(taxInGross(12_500, 2500)).toBe(2500);
    expect(taxInGross(11_500, 1500)).toBe(1500);
  });

  test('rounds half away from zero for both signs (1 cent at 100 % holds half a cent)', () => {
    expect(taxInGross(1, 10_000)).toBe(1);
    expect(taxInGross(-1, 10_000)).toBe(-1);
  });

  test('is exactly symmetric for credits at every rate', () => {
    for (const rate of [2500, 2550, 1500, 1200, 0]) {
      for (let gross = 0; gross <= 500; gross += 1) expect(taxInGross(-gross, rate) + taxInGross(gross, rate)).toBe(0);
    }
  });
});

describe('allocateProportionally', () => {
  test('gives the leftover cents to the largest remainders, so parts sum to the amount', () => {
    expect(allocateProportionally(10_000, [10, 20])).toEqual([3333, 6667]);
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  test('splits a negative amount as the mirror of the positive one', () => {
    expect(allocateProportionally(-10_000, [10, 20])).toEqual([-3333, -6667]);
    expect(allocateProportionally(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  test('gives nothing to a zero weight and refuses weights that sum to zero', () => {
    expect(allocateProportionally(7, [0, 3])).toEqual([0, 7]);
    expect(() => allocateProportionally(7, [0, 0])).toThrow(/sum to zero/);
  });

  test('stays exact with weights in milliseconds and large amounts', () => {
    const parts = allocateProportionally(123_456_789_012, [2_592_000_000, 31_536_000_000, 1]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(123_456_789_012);
  });
});
