import {
  aggregate,
  billableQuantity,
  describeBand,
  formatUnitAmount,
  meteredLine,
  multiplyDecimal,
  priceUsage,
  pricingProblems,
  usageClosesAt,
  usageRefusal,
  type MeteredEvent,
  type MeteredPricing,
} from '../../domain/metering';

const at = (minute: number) => `2028-02-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const event = (value: number, minute = 0, properties?: Record<string, unknown>): MeteredEvent => ({ value, occurredAt: at(minute), properties });

// API calls: 1,000 included, then 0.2 cents per call up to 10,000, then 0.1 cents, with a 5 EUR flat fee on the second tier.
const graduated: MeteredPricing = {
  model: 'graduated',
  aggregation: 'sum',
  includedUnits: 1_000,
  tiers: [
    { upTo: 10_000, unitAmount: { EUR: '0.2', NOK: '2' } },
    { upTo: null, unitAmount: { EUR: '0.1', NOK: '1' }, flatAmount: { EUR: 500, NOK: 5_000 } },
  ],
};

// Active users: every user at the price of the tier the count reaches; 5 included.
const volume: MeteredPricing = {
  model: 'volume',
  aggregation: 'unique_count',
  property: 'user',
  includedUnits: 5,
  tiers: [
    { upTo: 10, unitAmount: { EUR: '100' } },
    { upTo: 50, unitAmount: { EUR: '80' }, flatAmount: { EUR: 1_000 } },
    { upTo: null, unitAmount: { EUR: '50' } },
  ],
};

describe('aggregate', () => {
  const events = [event(3, 1), event(10, 2), event(4, 3)];

  test('sum adds the values of the period', () => {
    expect(aggregate(events, 'sum')).toBe(17);
  });

  test('max is the highest value reported', () => {
    expect(aggregate(events, 'max')).toBe(10);
  });

  test('last is the value that occurred last, whatever order the events arrived in', () => {
    expect(aggregate([event(4, 3), event(3, 1), event(10, 2)], 'last')).toBe(4);
  });

  test('last breaks a tie of occurrence by the later receipt', () => {
    const first = { ...event(1, 5), receivedAt: at(6) };
    const second = { ...event(2, 5), receivedAt: at(7) };
    expect(aggregate([second, first], 'last')).toBe(2);
  });

  test('unique count counts distinct values of the property, ignoring events without it', () => {
    const users = [event(1, 1, { user: 'a' }), event(1, 2, { user: 'b' }), event(1, 3, { user: 'a' }), event(1, 4, {}), event(1, 5, { user: 7 }), event(1, 6, { user: '7' })];
    expect(aggregate(users, 'unique_count', 'user')).toBe(4);
  });

  test('a period without events aggregates to 0 whatever the aggregation', () => {
    for (const aggregation of ['sum', 'max', 'last', 'unique_count'] as const) expect(aggregate([], aggregation, 'user')).toBe(0);
  });
});

describe('billableQuantity', () => {
  test('a started unit is billed, floating-point noise is not', () => {
    expect(billableQuantity(10.2)).toBe(11);
    expect(billableQuantity(0.1 + 0.2 + 0.7)).toBe(1);
    expect(billableQuantity(3)).toBe(3);
    expect(billableQuantity(0)).toBe(0);
  });
});

describe('multiplyDecimal', () => {
  test('multiplies exactly and rounds half up to whole minor units', () => {
    expect(multiplyDecimal(1_000, '0.2')).toBe(200);
    expect(multiplyDecimal(3, '0.5')).toBe(2); // 1.5 → 2
    expect(multiplyDecimal(1, '0.49')).toBe(0);
    expect(multiplyDecimal(7, '0.001')).toBe(0);
    expect(multiplyDecimal(3, '0.1')).toBe(0); // 0.3, not 0.30000000000000004
    expect(multiplyDecimal(5, '0.1')).toBe(1); // exactly 0.5 rounds up
  });
});

describe('priceUsage: per unit', () => {
  const perUnit: MeteredPricing = { model: 'per_unit', aggregation: 'sum', includedUnits: 100, tiers: [{ upTo: null, unitAmount: { EUR: '1.5' } }] };

  test('bills the units above the included ones at the unit price', () => {
    expect(priceUsage(perUnit, 301, 'EUR')).toEqual({
      quantity: 301,
      includedUnits: 100,
      amountCents: 302, // 201 × 1.5 = 301.5 → 302
      bands: [
        { from: 1, to: 100, unitAmount: null, flatCents: 0, amountCents: 0 },
        { from: 101, to: 301, unitAmount: '1.5', flatCents: 0, amountCents: 302 },
      ],
    });
  });

  test('usage within the included units costs nothing', () => {
    expect(priceUsage(perUnit, 100, 'EUR').amountCents).toBe(0);
    expect(priceUsage(perUnit, 0, 'EUR')).toEqual({ quantity: 0, includedUnits: 100, amountCents: 0, bands: [] });
  });
});

describe('priceUsage: graduated tiers', () => {
  test('each tier bills its own units, the included units first, and a tier’s flat fee once it is reached', () => {
    const charge = priceUsage(graduated, 12_345, 'EUR');
    expect(charge.bands).toEqual([
      { from: 1, to: 1_000, unitAmount: null, flatCents: 0, amountCents: 0 },
      { from: 1_001, to: 10_000, unitAmount: '0.2', flatCents: 0, amountCents: 1_800 },
      { from: 10_001, to: 12_345, unitAmount: '0.1', flatCents: 500, amountCents: 235 + 500 }, // 234.5 → 235
    ]);
    expect(charge.amountCents).toBe(2_535);
  });

  test('a quantity exactly at a tier’s edge stays in that tier, and the next tier’s flat fee is not charged', () => {
    expect(priceUsage(graduated, 10_000, 'EUR').bands.map((b) => [b.from, b.to, b.amountCents])).toEqual([
      [1, 1_000, 0],
      [1_001, 10_000, 1_800],
    ]);
    expect(priceUsage(graduated, 10_001, 'EUR').amountCents).toBe(1_800 + 0 + 500); // one unit at 0.1 rounds to 0, plus the flat fee
  });

  test('included units that reach into a later tier push its billable units up', () => {
    const generous = { ...graduated, includedUnits: 10_500 };
    expect(priceUsage(generous, 11_000, 'EUR').bands).toEqual([
      { from: 1, to: 10_500, unitAmount: null, flatCents: 0, amountCents: 0 },
      { from: 10_501, to: 11_000, unitAmount: '0.1', flatCents: 500, amountCents: 550 },
    ]);
  });

  test('prices in the subscription’s currency', () => {
    expect(priceUsage(graduated, 2_000, 'NOK').amountCents).toBe(2_000);
    expect(() => priceUsage(graduated, 2_000, 'SEK')).toThrow('no SEK price');
  });
});

describe('priceUsage: volume tiers', () => {
  test('every billable unit at the price of the tier the whole quantity reaches', () => {
    expect(priceUsage(volume, 20, 'EUR').bands).toEqual([
      { from: 1, to: 5, unitAmount: null, flatCents: 0, amountCents: 0 },
      { from: 6, to: 20, unitAmount: '80', flatCents: 1_000, amountCents: 15 * 80 + 1_000 },
    ]);
  });

  test('exactly at a tier’s edge the quantity is priced in that tier; one more moves every unit to the next', () => {
    expect(priceUsage(volume, 10, 'EUR').amountCents).toBe(5 * 100);
    expect(priceUsage(volume, 11, 'EUR').amountCents).toBe(6 * 80 + 1_000);
    expect(priceUsage(volume, 50, 'EUR').amountCents).toBe(45 * 80 + 1_000);
    expect(priceUsage(volume, 51, 'EUR').amountCents).toBe(46 * 50);
  });

  test('within the included units nothing is billed, not even a flat fee', () => {
    expect(priceUsage(volume, 5, 'EUR')).toEqual({ quantity: 5, includedUnits: 5, amountCents: 0, bands: [{ from: 1, to: 5, unitAmount: null, flatCents: 0, amountCents: 0 }] });
  });
});

describe('descriptions', () => {
  test('unit prices are shown in major units, down to fractions of a cent', () => {
    expect(formatUnitAmount('0.2', 'EUR')).toBe('0.002 EUR');
    expect(formatUnitAmount('50', 'EUR')).toBe('0.50 EUR');
    expect(formatUnitAmount('150', 'NOK')).toBe('1.50 NOK');
    expect(formatUnitAmount('0.25', 'EUR')).toBe('0.0025 EUR');
    expect(formatUnitAmount('3', 'JPY')).toBe('3 JPY');
  });

  test('a band reads as its units and their price, or as included', () => {
    expect(describeBand({ from: 1, to: 1_000, unitAmount: null, flatCents: 0, amountCents: 0 }, 'EUR')).toBe('1–1,000 included');
    expect(describeBand({ from: 1_001, to: 10_000, unitAmount: '0.2', flatCents: 0, amountCents: 1_800 }, 'EUR')).toBe('1,001–10,000 × 0.002 EUR');
    expect(describeBand({ from: 10_001, to: 10_001, unitAmount: '0.1', flatCents: 500, amountCents: 500 }, 'EUR')).toBe('10,001 × 0.001 EUR + 5.00 EUR');
  });

  test('the invoice line carries the period’s quantity, the amount and every band', () => {
    const period = { start: '2028-02-01T10:00:00.000Z', end: '2028-03-01T10:00:00.000Z' };
    const item = { code: 'api-calls', name: 'API calls', metric: 'api_calls', pricing: graduated };
    expect(meteredLine(item, [event(700, 1), event(800, 2)], period, 'EUR')).toEqual({
      kind: 'addon',
      description: 'API calls: 1,500 (1–1,000 included; 1,001–1,500 × 0.002 EUR), 2028-02-01 – 2028-03-01',
      quantity: 1_500,
      amountCents: 100,
      periodStart: period.start,
      periodEnd: period.end,
      itemName: 'API calls',
    });
    expect(meteredLine(item, [], period, 'EUR').description).toBe('API calls: 0 (none used), 2028-02-01 – 2028-03-01');
  });
});

describe('pricingProblems', () => {
  test('accepts the examples', () => {
    expect(pricingProblems(graduated)).toEqual([]);
    expect(pricingProblems(volume)).toEqual([]);
  });

  test('names what is wrong: tiers out of order, an open tier before the last, a unique count without its property, bad prices', () => {
    const broken: MeteredPricing = {
      model: 'per_unit',
      aggregation: 'unique_count',
      includedUnits: -1,
      tiers: [
        { upTo: null, unitAmount: { EUR: '1,5' } },
        { upTo: 10, unitAmount: { EUR: '1' }, flatAmount: { EUR: 0.5 } },
      ],
    };
    expect(pricingProblems(broken)).toEqual([
      'per_unit pricing has exactly one tier',
      'unique_count needs the property it counts',
      'includedUnits must be a whole number, 0 or more',
      'tier 1: only the last tier has upTo null',
      'tier 1: unitAmount.EUR must be a decimal of minor units such as "0.2"',
      'tier 2: only the last tier has upTo null',
      "tier 2: upTo must be a whole number above the previous tier's",
      'tier 2: flatAmount.EUR must be whole minor units',
    ]);
  });
});

describe('usageRefusal: late events within the grace window', () => {
  const period = { start: '2028-02-01T10:00:00.000Z', end: '2028-03-01T10:00:00.000Z' };

  test('usage of the running period is taken', () => {
    expect(usageRefusal('2028-02-10T00:00:00.000Z', '2028-02-10T00:00:01.000Z', period)).toBeNull();
  });

  test('usage of the ended period is taken until the grace window after its end closes', () => {
    expect(usageClosesAt(period.end)).toBe('2028-03-01T11:00:00.000Z');
    expect(usageRefusal('2028-03-01T09:59:59.000Z', '2028-03-01T10:59:59.000Z', period)).toBeNull();
    expect(usageRefusal('2028-03-01T09:59:59.000Z', '2028-03-01T11:00:00.000Z', period)).toMatch(/closed for usage at 2028-03-01T11:00:00.000Z/);
    expect(usageRefusal('2028-03-01T09:59:59.000Z', '2028-03-01T12:00:00.000Z', period, 3)).toBeNull();
  });

  test('usage of the next period, reported while the ended one waits for its late events, is taken', () => {
    expect(usageRefusal('2028-03-01T10:30:00.000Z', '2028-03-01T12:00:00.000Z', period)).toBeNull();
  });

  test('usage before the current period was billed with the previous one: refused', () => {
    expect(usageRefusal('2028-01-31T23:00:00.000Z', '2028-02-01T10:10:00.000Z', period)).toMatch(/closed and billed/);
  });

  test('usage more than five minutes in the future is refused', () => {
    expect(usageRefusal('2028-02-10T00:05:00.000Z', '2028-02-10T00:00:00.000Z', period)).toBeNull();
    expect(usageRefusal('2028-02-10T00:05:01.000Z', '2028-02-10T00:00:00.000Z', period)).toMatch(/in the future/);
  });
});
