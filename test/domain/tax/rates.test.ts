import { type RateTable, VAT_RATES, isEuMember, rateChangesBetween, rateFor } from '../../../domain/tax/rates';

const NOW = '2026-03-01T12:00:00.000Z';

/** The built-in table with Norway's standard rate raised to 27 % on 2027-07-01: a change that has not happened. */
const NORWAY_AT_27: RateTable = {
  ...VAT_RATES,
  NO: { ...VAT_RATES.NO!, standard: [...VAT_RATES.NO!.standard, { validFrom: '2027-07-01', basisPoints: 2700 }] },
};

describe('rateFor', () => {
  test('gives Norway\'s current rates: 25 % standard, 15 % food, 12 % transport and cinema, 0 % exempt', () => {
    expect(rateFor('NO', 'standard', NOW)).toBe(2500);
    expect(rateFor('NO', 'reduced_middle', NOW)).toBe(1500);
    expect(rateFor('NO', 'reduced_low', NOW)).toBe(1200);
    expect(rateFor('NO', 'exempt', NOW)).toBe(0);
  });

  test('gives the Norwegian low rate in force at the date: 8 % in 2015, 10 % in 2017, 6 % during the pandemic', () => {
    expect(rateFor('NO', 'reduced_low', '2015-06-01T00:00:00Z')).toBe(800);
    expect(rateFor('NO', 'reduced_low', '2017-06-01T00:00:00Z')).toBe(1000);
    expect(rateFor('NO', 'reduced_low', '2020-06-01T00:00:00Z')).toBe(600);
    expect(rateFor('NO', 'reduced_low', '2021-09-30T23:59:59Z')).toBe(600);
    expect(rateFor('NO', 'reduced_low', '2021-10-01T00:00:00Z')).toBe(1200);
  });

  test('switches at the validFrom instant: Finland 24 % until 2024-08-31, 25.5 % from 2024-09-01', () => {
    expect(rateFor('FI', 'standard', '2024-08-31T23:59:59.999Z')).toBe(2400);
    expect(rateFor('FI', 'standard', '2024-09-01T00:00:00.000Z')).toBe(2550);
  });

  test('follows the 2025 increases in Estonia, Slovakia and Romania', () => {
    expect(rateFor('EE', 'standard', '2025-06-30T12:00:00Z')).toBe(2200);
    expect(rateFor('EE', 'standard', '2025-07-01T12:00:00Z')).toBe(2400);
    expect(rateFor('SK', 'standard', '2024-12-31T12:00:00Z')).toBe(2000);
    expect(rateFor('SK', 'standard', '2025-01-01T12:00:00Z')).toBe(2300);
    expect(rateFor('RO', 'standard', '2025-07-31T12:00:00Z')).toBe(1900);
    expect(rateFor('RO', 'standard', '2025-08-01T12:00:00Z')).toBe(2100);
  });

  test('knows the standard rate of all 27 EU member states', () => {
    const expected: Record<string, number> = {
      AT: 2000, BE: 2100, BG: 2000, CY: 1900, CZ: 2100, DE: 1900, DK: 2500, EE: 2400, ES: 2100,
      FI: 2550, FR: 2000, GR: 2400, HR: 2500, HU: 2700, IE: 2300, IT: 2200, LT: 2100, LU: 1700,
      LV: 2100, MT: 1800, NL: 2100, PL: 2300, PT: 2300, RO: 2100, SE: 2500, SI: 2200, SK: 2300,
    };
    expect(Object.keys(expected)).toHaveLength(27);
    for (const [country, rate] of Object.entries(expected)) expect([country, rateFor(country, 'standard', NOW)]).toEqual([country, rate]);
  });

  test('charges an EU country\'s standard rate for reduced categories (no reduced rates mapped yet)', () => {
    expect(rateFor('DE', 'reduced_middle', NOW)).toBe(1900);
    expect(rateFor('SE', 'reduced_low', NOW)).toBe(2500);
    expect(rateFor('DE', 'exempt', NOW)).toBe(0);
  });

  test('throws a clear error for an unknown country and for a date before the table starts', () => {
    expect(() => rateFor('US', 'standard', NOW)).toThrow('No VAT rates are known for country "US"');
    expect(() => rateFor('NO', 'reduced_low', '2011-12-31T00:00:00Z')).toThrow(/No reduced_low VAT rate is known for NO/);
    expect(() => rateFor('NO', 'standard', 'yesterday')).toThrow(/not an ISO date/);
  });

  test('reads a table passed by the caller: a future Norwegian 27 %', () => {
    expect(rateFor('NO', 'standard', '2027-06-30T23:59:59Z', NORWAY_AT_27)).toBe(2500);
    expect(rateFor('NO', 'standard', '2027-07-01T00:00:00Z', NORWAY_AT_27)).toBe(2700);
    expect(rateFor('NO', 'standard', '2027-07-01T00:00:00Z')).toBe(2500);
  });
});

describe('rateChangesBetween', () => {
  test('lists the changes strictly inside the interval', () => {
    expect(rateChangesBetween('FI', 'standard', '2024-08-15T00:00:00Z', '2024-09-15T00:00:00Z')).toEqual(['2024-09-01T00:00:00.000Z']);
    expect(rateChangesBetween('NO', 'reduced_low', '2020-01-01T00:00:00Z', '2022-01-01T00:00:00Z')).toEqual([
      '2020-04-01T00:00:00.000Z',
      '2021-10-01T00:00:00.000Z',
    ]);
  });

  test('leaves out a change on either end of the interval', () => {
    expect(rateChangesBetween('FI', 'standard', '2024-09-01T00:00:00Z', '2024-10-01T00:00:00Z')).toEqual([]);
    expect(rateChangesBetween('FI', 'standard', '2024-08-01T00:00:00Z', '2024-09-01T00:00:00Z')).toEqual([]);
  });

  test('sees a change only in the category that changes, and none for exempt', () => {
    expect(rateChangesBetween('NO', 'standard', '2020-01-01T00:00:00Z', '2022-01-01T00:00:00Z')).toEqual([]);
    expect(rateChangesBetween('NO', 'exempt', '2020-01-01T00:00:00Z', '2022-01-01T00:00:00Z')).toEqual([]);
    expect(rateChangesBetween('NO', 'standard', '2027-06-01T00:00:00Z', '2027-08-01T00:00:00Z', NORWAY_AT_27)).toEqual([
      '2027-07-01T00:00:00.000Z',
    ]);
  });

  test('ignores an entry that repeats the rate before it', () => {
    const repeated: RateTable = { XX: { standard: [{ validFrom: '2020-01-01', basisPoints: 2000 }, { validFrom: '2021-01-01', basisPoints: 2000 }] } };
    expect(rateChangesBetween('XX', 'standard', '2020-06-01T00:00:00Z', '2021-06-01T00:00:00Z', repeated)).toEqual([]);
  });
});

describe('isEuMember', () => {
  test('knows the member states, Greece by its ISO code GR', () => {
    expect(isEuMember('SE')).toBe(true);
    expect(isEuMember('GR')).toBe(true);
    expect(isEuMember('de')).toBe(true);
  });

  test('leaves out Norway, the UK and Switzerland', () => {
    expect(isEuMember('NO')).toBe(false);
    expect(isEuMember('GB')).toBe(false);
    expect(isEuMember('CH')).toBe(false);
  });
});
