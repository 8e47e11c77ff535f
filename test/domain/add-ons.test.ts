import { ADD_ON_CATALOGUE, addOnLines, effectiveQuota, meteredItems, prorationLine, unitPriceFor, type SubscriptionAddOn } from '../../domain/add-ons';
import { pricingProblems } from '../../domain/metering';
import type { Period } from '../../domain/calendar';
import { FEB_29, MAR_31, T0, plan } from './fixtures';
import { addOn, planLike } from './upsell-fixtures';

// Calendar periods of a basic-monthly subscription opened at T0 (all at 10:00 UTC).
const PERIOD_0: Period = { start: T0, end: FEB_29 }; // 29 days = 2,505,600 s
const PERIOD_1: Period = { start: FEB_29, end: MAR_31 }; // 31 days
const PERIOD_2: Period = { start: MAR_31, end: '2028-04-30T10:00:00.000Z' }; // 30 days = 2,592,000 s

function attached(code: string, quantity: number, unitAmountCents: number): SubscriptionAddOn {
  const definition = addOn(code);
  return {
    code,
    name: definition.name,
    quantity,
    unitAmountCents,
    monthlyAmountCents: definition.prices.EUR ?? 0,
    metric: definition.metric,
    unitsPerQuantity: definition.unitsPerQuantity,
  };
}

describe('ADD_ON_CATALOGUE', () => {
  test('sells extra seats, extra storage in 100 GB units, a monthly box shipped every period, a one-time welcome kit, and metered API calls and active users, in EUR and NOK', () => {
    expect(ADD_ON_CATALOGUE.map((a) => [a.code, a.kind, a.metric, a.unitsPerQuantity, a.prices])).toEqual([
      ['extra-seat', 'recurring', 'seats', 1, { EUR: 500, NOK: 5_000 }],
      ['extra-storage', 'recurring', 'storage_gb', 100, { EUR: 300, NOK: 3_000 }],
      ['monthly-box', 'recurring', null, 0, { EUR: 1_500, NOK: 15_000 }],
      ['welcome-kit', 'one_time', null, 0, { EUR: 2_500, NOK: 25_000 }],
      ['api-calls', 'metered', 'api_calls', 0, {}],
      ['active-users', 'metered', 'active_users', 0, {}],
    ]);
  });

  test('the metered add-ons are priced by graduated and by volume tiers, each valid', () => {
    const metered = ADD_ON_CATALOGUE.filter((a) => a.kind === 'metered');
    expect(metered.map((a) => [a.code, a.pricing?.model, a.pricing?.aggregation, a.pricing?.includedUnits])).toEqual([
      ['api-calls', 'graduated', 'sum', 1_000],
      ['active-users', 'volume', 'unique_count', 5],
    ]);
    for (const a of metered) expect(a.pricing && pricingProblems(a.pricing)).toEqual([]);
  });
});

describe('metered add-ons', () => {
  test('cost nothing up front, in the currencies all their tiers are priced in', () => {
    expect(unitPriceFor(addOn('api-calls'), plan('basic-monthly'))).toBe(0);
    expect(unitPriceFor(addOn('api-calls'), { ...plan('basic-monthly'), currency: 'SEK' })).toBe('api-calls is not sold in SEK');
  });

  test('get no period line of their own, and are listed as metered items while held', () => {
    const calls: SubscriptionAddOn = { ...attached('api-calls', 1, 0), pricing: addOn('api-calls').pricing };
    expect(addOnLines([calls], PERIOD_1, PERIOD_1)).toEqual([]);
    expect(meteredItems([calls, attached('extra-seat', 2, 500)])).toEqual([{ code: 'api-calls', name: 'API calls', metric: 'api_calls', pricing: calls.pricing }]);
  });
});

describe('unitPriceFor', () => {
  test('a recurring add-on on a monthly plan costs its monthly price', () => {
    expect(unitPriceFor(addOn('extra-seat'), plan('basic-monthly'))).toBe(500);
    expect(unitPriceFor(addOn('extra-storage'), plan('pro-monthly'))).toBe(300);
  });

  test('the price is taken in the plan currency', () => {
    expect(unitPriceFor(addOn('extra-seat'), plan('basic-monthly-nok'))).toBe(5_000);
    expect(unitPriceFor(addOn('extra-storage'), plan('business-monthly-nok'))).toBe(3_000);
  });

  test('on a yearly plan a recurring add-on costs ten months (two months free, like the plans)', () => {
    expect(unitPriceFor(addOn('extra-seat'), plan('basic-yearly'))).toBe(5_000);
    expect(unitPriceFor(addOn('extra-storage'), plan('pro-yearly-nok'))).toBe(30_000);
  });

  test('a plan billed every few months pays the monthly price for each month of its interval', () => {
    expect(unitPriceFor(addOn('extra-seat'), planLike('basic-monthly', { interval: { unit: 'month', count: 3 } }))).toBe(1_500);
    expect(unitPriceFor(addOn('extra-seat'), planLike('basic-yearly', { interval: { unit: 'year', count: 2 } }))).toBe(10_000);
  });

  test('a one-time product costs its one-time price whatever the interval', () => {
    expect(unitPriceFor(addOn('welcome-kit'), plan('basic-monthly'))).toBe(2_500);
    expect(unitPriceFor(addOn('welcome-kit'), plan('basic-yearly'))).toBe(2_500);
    expect(unitPriceFor(addOn('welcome-kit'), plan('pro-yearly-nok'))).toBe(25_000);
    expect(unitPriceFor(addOn('welcome-kit'), planLike('basic-monthly', { interval: { unit: 'week', count: 1 } }))).toBe(2_500);
  });

  test('refuses a currency the add-on is not sold in', () => {
    const usd = planLike('basic-monthly', { code: 'basic-monthly-usd', currency: 'USD' });
    expect(unitPriceFor(addOn('extra-seat'), usd)).toBe('extra-seat is not sold in USD');
    expect(unitPriceFor(addOn('welcome-kit'), usd)).toBe('welcome-kit is not sold in USD');
  });

  test('refuses a recurring add-on on a weekly or daily plan', () => {
    expect(unitPriceFor(addOn('extra-seat'), planLike('basic-monthly', { interval: { unit: 'week', count: 1 } }))).toBe(
      'extra-seat needs a monthly or yearly plan',
    );
    expect(unitPriceFor(addOn('extra-storage'), planLike('basic-monthly', { interval: { unit: 'day', count: 7 } }))).toBe(
      'extra-storage needs a monthly or yearly plan',
    );
  });
});

describe('addOnLines', () => {
  test('bills each recurring add-on for the whole period: unit price × quantity', () => {
    const lines = addOnLines([attached('extra-seat', 2, 500), attached('extra-storage', 1, 300)], PERIOD_1, PERIOD_1);
    expect(lines).toMatchObject([
      { kind: 'addon', description: 'Extra seat × 2, 2028-02-29 – 2028-03-31', quantity: 2, amountCents: 1_000, periodStart: FEB_29, periodEnd: MAR_31 },
      { kind: 'addon', description: 'Extra storage (100 GB), 2028-02-29 – 2028-03-31', quantity: 1, amountCents: 300, periodStart: FEB_29, periodEnd: MAR_31 },
    ]);
  });

  test('no add-ons, no lines', () => {
    expect(addOnLines([], PERIOD_1, PERIOD_1)).toEqual([]);
  });

  test('a period that starts late (a resume that keeps the calendar) is prorated to its start', () => {
    const resumedAt = '2028-03-10T10:00:00.000Z'; // 21 of 31 days left
    const lines = addOnLines([attached('extra-seat', 2, 500), attached('extra-storage', 3, 300)], PERIOD_1, { start: resumedAt, end: MAR_31 });
    // 1000 × 21/31 = 677.42 → 677; 900 × 21/31 = 609.68 → 610
    expect(lines).toMatchObject([
      { kind: 'addon', description: 'Extra seat × 2, 2028-03-10 – 2028-03-31', quantity: 2, amountCents: 677, periodStart: resumedAt, periodEnd: MAR_31 },
      { kind: 'addon', description: 'Extra storage (100 GB) × 3, 2028-03-10 – 2028-03-31', quantity: 3, amountCents: 610, periodStart: resumedAt, periodEnd: MAR_31 },
    ]);
  });

  test('a late start that lands on half a cent rounds away from zero', () => {
    // 1,298,592 s of 2,592,000 s left: 500 × 0.501 = 250.5 → 251
    const start = '2028-04-15T09:16:48.000Z';
    const [line] = addOnLines([attached('extra-seat', 1, 500)], PERIOD_2, { start, end: PERIOD_2.end });
    expect(line!.amountCents).toBe(251);
  });

  test('bills at the price the add-on carries, not the catalogue price', () => {
    const [line] = addOnLines([attached('extra-seat', 3, 420)], PERIOD_1, PERIOD_1);
    expect(line!.amountCents).toBe(1_260);
  });
});

describe('prorationLine', () => {
  const FEB_14 = '2028-02-14T10:00:00.000Z'; // 15 of 29 days left

  test('adding units mid-period charges the rest of the period for the added units', () => {
    // 2 × 500 × 15/29 = 517.24 → 517
    expect(prorationLine(attached('extra-seat', 0, 500), 2, PERIOD_0, FEB_14)).toMatchObject({
      kind: 'proration_charge',
      description: 'Extra seat × 2 added, 2028-02-14 – 2028-02-29',
      quantity: 2,
      amountCents: 517,
      periodStart: FEB_14,
      periodEnd: FEB_29,
    });
  });

  test('removing units mid-period credits the rest of the period for the removed units', () => {
    const at = '2028-02-24T10:00:00.000Z'; // 5 of 29 days left: 500 × 5/29 = 86.2 → 86
    expect(prorationLine(attached('extra-seat', 3, 500), -1, PERIOD_0, at)).toMatchObject({
      kind: 'proration_credit',
      description: 'Extra seat removed, 2028-02-24 – 2028-02-29',
      quantity: 1,
      amountCents: -86,
      periodStart: at,
      periodEnd: FEB_29,
    });
    // 2 removed: 1000 × 5/29 = 172.4 → 172
    expect(prorationLine(attached('extra-seat', 3, 500), -2, PERIOD_0, at)).toMatchObject({
      description: 'Extra seat × 2 removed, 2028-02-24 – 2028-02-29',
      quantity: 2,
      amountCents: -172,
    });
  });

  test('is computed to the second, and a charge and a credit for the same change cancel out', () => {
    const at = '2028-02-20T13:47:29.000Z'; // 763,951 s of 2,505,600 s left: 1500 × … = 457.35 → 457
    const added = prorationLine(attached('extra-seat', 0, 500), 3, PERIOD_0, at);
    const removed = prorationLine(attached('extra-seat', 3, 500), -3, PERIOD_0, at);
    expect(added.amountCents).toBe(457);
    expect(removed.amountCents).toBe(-457);
  });

  test('half a cent rounds away from zero for charges and credits alike', () => {
    const at = '2028-02-14T18:31:12.000Z'; // 1,265,328 s of 2,505,600 s = 0.505: 500 × 0.505 = 252.5
    expect(prorationLine(attached('extra-seat', 0, 500), 1, PERIOD_0, at).amountCents).toBe(253);
    expect(prorationLine(attached('extra-seat', 1, 500), -1, PERIOD_0, at).amountCents).toBe(-253);
  });

  test('a yearly add-on is prorated over the year', () => {
    const year: Period = { start: T0, end: '2029-01-31T10:00:00.000Z' }; // 366 days (2028 is a leap year)
    const at = '2028-07-15T04:20:00.000Z'; // 5000 × remaining/year = 2735.47 → 2735
    expect(prorationLine(attached('extra-seat', 0, 5_000), 1, year, at)).toMatchObject({
      description: 'Extra seat added, 2028-07-15 – 2029-01-31',
      amountCents: 2_735,
    });
  });

  test('a change at the very start of the period is the full price; at its end, nothing', () => {
    expect(prorationLine(attached('extra-storage', 0, 300), 2, PERIOD_1, FEB_29).amountCents).toBe(600);
    expect(prorationLine(attached('extra-storage', 0, 300), 2, PERIOD_1, MAR_31).amountCents).toBe(0);
  });
});

describe('effectiveQuota', () => {
  test('is the plan quota when there are no add-ons', () => {
    expect(effectiveQuota(plan('basic-monthly'), [], 'seats')).toBe(3);
    expect(effectiveQuota(plan('basic-monthly'), [], 'storage_gb')).toBe(10);
    expect(effectiveQuota(plan('pro-monthly'), [], 'seats')).toBe(10);
    expect(effectiveQuota(plan('pro-yearly-nok'), [], 'storage_gb')).toBe(100);
    expect(effectiveQuota(plan('business-monthly'), [], 'seats')).toBe(50);
    expect(effectiveQuota(plan('business-monthly'), [], 'storage_gb')).toBe(1_000);
  });

  test('adds what each add-on buys for that metric: quantity × units per quantity', () => {
    const addOns = [attached('extra-seat', 2, 500), attached('extra-storage', 3, 300), attached('welcome-kit', 1, 2_500)];
    expect(effectiveQuota(plan('basic-monthly'), addOns, 'seats')).toBe(5);
    expect(effectiveQuota(plan('basic-monthly'), addOns, 'storage_gb')).toBe(310);
  });

  test('a metric the plan does not include is 0, unless an add-on buys it', () => {
    expect(effectiveQuota(plan('basic-monthly'), [], 'api_calls')).toBe(0);
    const apiCalls: SubscriptionAddOn = {
      code: 'api-pack',
      name: 'API pack',
      quantity: 2,
      unitAmountCents: 100,
      monthlyAmountCents: 100,
      metric: 'api_calls',
      unitsPerQuantity: 1_000,
    };
    expect(effectiveQuota(plan('basic-monthly'), [apiCalls], 'api_calls')).toBe(2_000);
  });
});
