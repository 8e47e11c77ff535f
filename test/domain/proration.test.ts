import type { Period } from '../../domain/calendar';
import { describeSpan, prorate, remainingSeconds, scale } from '../../domain/proration';
import { FEB_29, T0 } from './fixtures';

// Jan 31 10:00 → Feb 29 10:00 UTC, 2028: 29 days = 2,505,600 seconds.
const PERIOD: Period = { start: T0, end: FEB_29 };
const PERIOD_SECONDS = 29 * 86_400;
const FEB_10 = '2028-02-10T10:00:00.000Z'; // 19 days (1,641,600 s) before the end

describe('remainingSeconds', () => {
  test('counts whole seconds from the instant to the end of the period, and the period length', () => {
    expect(remainingSeconds(PERIOD, FEB_10)).toEqual({ remaining: 1_641_600n, total: BigInt(PERIOD_SECONDS) });
    expect(remainingSeconds(PERIOD, '2028-02-29T09:59:59.000Z')).toEqual({ remaining: 1n, total: BigInt(PERIOD_SECONDS) });
  });

  test('ignores milliseconds (whole seconds only)', () => {
    expect(remainingSeconds(PERIOD, '2028-02-10T10:00:00.999Z').remaining).toBe(1_641_600n);
  });

  test('clamps an instant before the period to its start: the whole period remains', () => {
    expect(remainingSeconds(PERIOD, '2027-06-01T00:00:00.000Z')).toEqual({ remaining: BigInt(PERIOD_SECONDS), total: BigInt(PERIOD_SECONDS) });
  });

  test('clamps an instant after the period to its end: nothing remains', () => {
    expect(remainingSeconds(PERIOD, '2028-07-01T00:00:00.000Z')).toEqual({ remaining: 0n, total: BigInt(PERIOD_SECONDS) });
  });
});

describe('prorate', () => {
  test('charges the share of the price for the remaining time: 19 of 29 days of 29.00 is exactly 19.00', () => {
    expect(prorate(2_900, PERIOD, FEB_10)).toBe(1_900);
  });

  test('rounds to the nearest cent: 19 of 29 days of 9.00 is 5.8966 → 5.90', () => {
    expect(prorate(900, PERIOD, FEB_10)).toBe(590);
  });

  test('is computed to the second: one second later is one cent less when a cent is worth one second', () => {
    const pricePerSecond = PERIOD_SECONDS; // 1 cent per second of the period
    expect(prorate(pricePerSecond, PERIOD, FEB_10)).toBe(1_641_600);
    expect(prorate(pricePerSecond, PERIOD, '2028-02-10T10:00:01.000Z')).toBe(1_641_599);
    expect(prorate(pricePerSecond, PERIOD, '2028-02-10T09:59:59.000Z')).toBe(1_641_601);
  });

  test('at the start of the period (or before it) the full price is due', () => {
    expect(prorate(2_900, PERIOD, T0)).toBe(2_900);
    expect(prorate(2_900, PERIOD, '2028-01-01T00:00:00.000Z')).toBe(2_900);
  });

  test('at the end of the period (or after it) nothing is due', () => {
    expect(prorate(2_900, PERIOD, FEB_29)).toBe(0);
    expect(prorate(2_900, PERIOD, '2029-01-01T00:00:00.000Z')).toBe(0);
  });

  test('rounds a half cent away from zero, for charges and for credits', () => {
    const midpoint = '2028-02-14T22:00:00.000Z'; // 14.5 of 29 days remain: exactly half
    expect(prorate(5, PERIOD, midpoint)).toBe(3); // 2.5 → 3 (not banker's 2)
    expect(prorate(-5, PERIOD, midpoint)).toBe(-3); // -2.5 → -3 (not Math.round's -2)
    expect(prorate(1, PERIOD, midpoint)).toBe(1);
    expect(prorate(-1, PERIOD, midpoint)).toBe(-1);
  });

  test('is exact for large amounts where floating point is off by a cent', () => {
    // 129,611 of 2,505,600 seconds remain; the exact share of 2^53 - 1 cents rounds to …710
    // (naive floating-point arithmetic gives …711).
    const amount = Number.MAX_SAFE_INTEGER;
    expect(prorate(amount, PERIOD, '2028-02-27T21:59:49.000Z')).toBe(465_929_159_724_710);
    expect(Math.round((amount * 129_611) / PERIOD_SECONDS)).not.toBe(465_929_159_724_710);
  });

  test('a yearly price of 10^13 cents prorated over 366 days keeps every cent', () => {
    const leapYear: Period = { start: '2028-01-01T00:00:00.000Z', end: '2029-01-01T00:00:00.000Z' };
    // 1 of 366 days remains: 10^13 / 366 = 27,322,404,371.58 → …372
    expect(prorate(10_000_000_000_000, leapYear, '2028-12-31T00:00:00.000Z')).toBe(27_322_404_372);
  });

  test('a period of zero length prorates to nothing instead of dividing by zero', () => {
    expect(prorate(2_900, { start: T0, end: T0 }, T0)).toBe(0);
  });
});

describe('scale', () => {
  test.each([
    [7, 1n, 4n, 2], // 1.75
    [5, 1n, 4n, 1], // 1.25
    [3, 1n, 2n, 2], // 1.5
    [5, 1n, 2n, 3], // 2.5
    [-5, 1n, 2n, -3], // -2.5
    [-7, 1n, 4n, -2], // -1.75
    [-5, 1n, 4n, -1], // -1.25
    [900, 0n, 29n, 0],
    [900, 29n, 29n, 900],
  ])('scale(%d, %d, %d) = %d (nearest, halves away from zero)', (amount, numerator, denominator, expected) => {
    expect(scale(amount, numerator, denominator)).toBe(expected);
  });

  test('a zero denominator scales to zero', () => {
    expect(scale(900, 5n, 0n)).toBe(0);
  });
});

describe('describeSpan', () => {
  test('spans from the instant to the end of the period, as dates', () => {
    expect(describeSpan(PERIOD, FEB_10)).toBe('2028-02-10 – 2028-02-29');
  });

  test('starts at the period start when the instant is before it', () => {
    expect(describeSpan(PERIOD, '2028-01-01T00:00:00.000Z')).toBe('2028-01-31 – 2028-02-29');
  });
});
