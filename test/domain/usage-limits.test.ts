import type { MeteredEvent, MeteredItem } from '../../domain/metering';
import { boundedMeteredLines, MAX_BILLED_UNITS, MAX_USAGE_CENTS, usageLimitRefusal } from '../../domain/usage-limits';
import { MAX_PERIOD_CENTS } from '../../domain/add-ons';

const INT4_MAX = 2_147_483_647;
const period = { start: '2028-02-01T10:00:00.000Z', end: '2028-03-01T10:00:00.000Z' };
const event = (value: number): MeteredEvent => ({ value, occurredAt: '2028-02-02T10:00:00.000Z' });

// One cent a unit, and a thousandth of a cent a unit.
const perUnit = (code: string, unitAmount: string): MeteredItem => ({
  code,
  name: code,
  metric: code,
  pricing: { model: 'per_unit', aggregation: 'sum', includedUnits: 0, tiers: [{ upTo: null, unitAmount: { EUR: unitAmount } }] },
});
const cent = perUnit('storage', '1');
const milli = perUnit('api-calls', '0.001');

describe('usageLimitRefusal', () => {
  test('a period of usage up to the limits is taken, all metered add-ons together', () => {
    expect(usageLimitRefusal([{ item: cent, value: MAX_USAGE_CENTS }], 'EUR')).toBeNull();
    expect(usageLimitRefusal([{ item: cent, value: MAX_USAGE_CENTS / 2 }, { item: milli, value: MAX_BILLED_UNITS }], 'EUR')).toBeNull();
  });

  test('refused: more money than a period bills, counted over every metered add-on', () => {
    expect(usageLimitRefusal([{ item: cent, value: MAX_USAGE_CENTS + 1 }], 'EUR')).toContain('a period bills at most 800000.00 EUR');
    expect(usageLimitRefusal([{ item: cent, value: MAX_USAGE_CENTS - 1 }, { item: perUnit('seats', '2'), value: 1 }], 'EUR')).toContain('800000.01 EUR');
  });

  test('refused: more units than an invoice line holds, however cheap (a started unit counts)', () => {
    expect(usageLimitRefusal([{ item: milli, value: MAX_BILLED_UNITS + 0.5 }], 'EUR')).toBe(`api-calls would bill ${MAX_BILLED_UNITS + 1} units this period; a period bills at most ${MAX_BILLED_UNITS}`);
  });

  test('the bounds keep a renewal invoice in its 32-bit columns: two periods of fees and the usage, with the EU’s highest VAT (27 %)', () => {
    expect(Math.ceil((2 * MAX_PERIOD_CENTS + MAX_USAGE_CENTS) * 1.27)).toBeLessThanOrEqual(INT4_MAX);
    expect(MAX_BILLED_UNITS).toBeLessThanOrEqual(INT4_MAX);
  });
});

describe('boundedMeteredLines', () => {
  const eventsOf = (values: Record<string, number>) => (item: MeteredItem) => [event(values[item.code] ?? 0)];

  test('usage within the limits is billed as measured', () => {
    const [line] = boundedMeteredLines([cent], eventsOf({ storage: 1_500 }), period, 'EUR');
    expect(line).toMatchObject({ quantity: 1_500, amountCents: 1_500, description: 'storage: 1,500 (1–1,500 × 0.01 EUR), 2028-02-01 – 2028-03-01' });
  });

  test('usage past the limits (a report that raced an add-on change) bills the limits and says what was measured', () => {
    const lines = boundedMeteredLines([milli, cent, perUnit('seats', '2')], eventsOf({ 'api-calls': 1e13, storage: 1e12, seats: 10 }), period, 'EUR');
    expect(lines.map((line) => line.quantity)).toEqual([MAX_BILLED_UNITS, MAX_BILLED_UNITS, 10]);
    // 2,147,483,647 thousandths of a cent round to 2,147,484 cents; the storage line gets the rest, the seats nothing.
    expect(lines.map((line) => line.amountCents)).toEqual([2_147_484, MAX_USAGE_CENTS - 2_147_484, 0]);
    expect(lines[0]?.description).toContain("; 10,000,000,000,000 units measured, billed up to the period's limit (21474.84 EUR)");
    expect(lines[2]?.description).toContain("; 10 units measured, billed up to the period's limit (0.00 EUR)");
    expect(lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(MAX_USAGE_CENTS);
  });
});
