import { MAX_PENDING_ITEMS, priceAddOn, setAddOnQuantity } from '../../domain/add-on-changes';
import { checkCommand, CommandRefusedError } from '../../domain/commands';
import type { InvoiceLineDraft } from '../../domain/invoice';
import { advancePeriod, update, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, T0, active, opened } from './fixtures';
import { addOn, planLike } from './upsell-fixtures';

const FEB_14 = '2028-02-14T10:00:00.000Z'; // 15 of the 29 days of period 0 left
const FEB_24 = '2028-02-24T10:00:00.000Z'; // 5 of 29 days left

const SEATS = { code: 'extra-seat', name: 'Extra seat', monthlyAmountCents: 500, metric: 'seats', unitsPerQuantity: 1 } as const;
const STORAGE = { code: 'extra-storage', name: 'Extra storage (100 GB)', monthlyAmountCents: 300, metric: 'storage_gb', unitsPerQuantity: 100 } as const;

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CommandRefusedError);
    return (error as Error).message;
  }
  throw new Error('expected a CommandRefusedError');
}

describe('priceAddOn', () => {
  test('prices an add-on for the subscription plan, with quantity 0', () => {
    expect(priceAddOn(active('basic-yearly'), addOn('extra-storage'))).toEqual({ ...STORAGE, quantity: 0, unitAmountCents: 3_000 });
  });

  test('refuses what the plan cannot buy with a CommandRefusedError', () => {
    const usd = update(active('basic-monthly'), { plan: planLike('basic-monthly', { currency: 'USD' }) });
    expect(refusal(() => priceAddOn(usd, addOn('extra-seat')))).toBe('extra-seat is not sold in USD');
  });
});

describe('setAddOnQuantity: recurring add-ons in a paid period', () => {
  const base = active('basic-monthly'); // period 0 (Jan 31 → Feb 29) invoiced and paid

  test('adding mid-period attaches the add-on and puts a prorated charge on the next invoice', () => {
    const next = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(next.addOns).toEqual([{ ...SEATS, quantity: 2, unitAmountCents: 500 }]);
    // 2 × 500 × 15/29 = 517.24 → 517
    expect(next.pendingItems).toMatchObject([
      { kind: 'proration_charge', description: 'Extra seat × 2 added, 2028-02-14 – 2028-02-29', quantity: 2, amountCents: 517, periodStart: FEB_14, periodEnd: FEB_29 },
    ]);
    expect(next.version).toBe(base.version + 1);
  });

  test('nothing is charged on the spot: the invoice count, credit and latest invoice are untouched', () => {
    const next = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(next.invoiceCount).toBe(base.invoiceCount);
    expect(next.creditBalanceCents).toBe(base.creditBalanceCents);
    expect(next.latestInvoice).toEqual(base.latestInvoice);
  });

  test('does not change the state it was given', () => {
    const before = JSON.stringify(base);
    setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(JSON.stringify(base)).toBe(before);
  });

  test('raising the quantity charges only the added units', () => {
    const two = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, T0); // full period: 1000
    const five = setAddOnQuantity(two, { addOn: addOn('extra-seat'), quantity: 5 }, FEB_14); // 3 × 500 × 15/29 = 775.86 → 776
    expect(five.addOns).toEqual([{ ...SEATS, quantity: 5, unitAmountCents: 500 }]);
    expect(five.pendingItems.map((l) => [l.kind, l.description, l.quantity, l.amountCents])).toEqual([
      ['proration_charge', 'Extra seat × 2 added, 2028-01-31 – 2028-02-29', 2, 1_000],
      ['proration_charge', 'Extra seat × 3 added, 2028-02-14 – 2028-02-29', 3, 776],
    ]);
  });

  test('reducing the quantity credits the removed units for the rest of the period', () => {
    const three = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 3 }, FEB_14);
    const one = setAddOnQuantity(three, { addOn: addOn('extra-seat'), quantity: 1 }, FEB_24);
    expect(one.addOns).toEqual([{ ...SEATS, quantity: 1, unitAmountCents: 500 }]);
    // 2 × 500 × 5/29 = 172.41 → 172
    expect(one.pendingItems[1]).toMatchObject({
      kind: 'proration_credit',
      description: 'Extra seat × 2 removed, 2028-02-24 – 2028-02-29',
      quantity: 2,
      amountCents: -172,
      periodStart: FEB_24,
      periodEnd: FEB_29,
    });
  });

  test('quantity 0 removes the add-on and credits all its units', () => {
    const two = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    const none = setAddOnQuantity(two, { addOn: addOn('extra-seat'), quantity: 0 }, FEB_24);
    expect(none.addOns).toEqual([]);
    expect(none.pendingItems.map((l) => [l.kind, l.amountCents])).toEqual([
      ['proration_charge', 517],
      ['proration_credit', -172],
    ]);
  });

  test('the same quantity again changes nothing (no line, no new version)', () => {
    const two = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(setAddOnQuantity(two, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_24)).toBe(two);
  });

  test('other add-ons are kept as they are', () => {
    const storage = setAddOnQuantity(base, { addOn: addOn('extra-storage'), quantity: 1 }, T0);
    const both = setAddOnQuantity(storage, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(both.addOns).toEqual([
      { ...STORAGE, quantity: 1, unitAmountCents: 300 },
      { ...SEATS, quantity: 2, unitAmountCents: 500 },
    ]);
    const seatsOnly = setAddOnQuantity(both, { addOn: addOn('extra-storage'), quantity: 0 }, FEB_24);
    expect(seatsOnly.addOns).toEqual([{ ...SEATS, quantity: 2, unitAmountCents: 500 }]);
    // 300 × 5/29 = 51.7 → 52
    expect(seatsOnly.pendingItems.at(-1)).toMatchObject({ kind: 'proration_credit', description: 'Extra storage (100 GB) removed, 2028-02-24 – 2028-02-29', amountCents: -52 });
  });

  test('a running add-on keeps the price it was bought at, for more units and for credits', () => {
    const bought = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 1 }, T0);
    const repriced = { ...addOn('extra-seat'), prices: { EUR: 800, NOK: 8_000 } };
    const more = setAddOnQuantity(bought, { addOn: repriced, quantity: 3 }, FEB_14);
    expect(more.addOns).toEqual([{ ...SEATS, quantity: 3, unitAmountCents: 500 }]);
    expect(more.pendingItems.at(-1)!.amountCents).toBe(517); // 2 × 500 × 15/29, not 2 × 800
    const fewer = setAddOnQuantity(more, { addOn: repriced, quantity: 2 }, FEB_24);
    expect(fewer.pendingItems.at(-1)!.amountCents).toBe(-86); // 500 × 5/29
  });

  test('an add-on removed and bought again takes the current price', () => {
    const bought = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 1 }, T0);
    const removed = setAddOnQuantity(bought, { addOn: addOn('extra-seat'), quantity: 0 }, FEB_14);
    const repriced = { ...addOn('extra-seat'), prices: { EUR: 800 } };
    const again = setAddOnQuantity(removed, { addOn: repriced, quantity: 1 }, FEB_24);
    expect(again.addOns).toEqual([{ ...SEATS, quantity: 1, unitAmountCents: 800, monthlyAmountCents: 800 }]);
    expect(again.pendingItems.at(-1)!.amountCents).toBe(138); // 800 × 5/29 = 137.9 → 138
  });

  test('on a yearly plan the add-on costs the yearly price and is prorated over the year', () => {
    const yearly = active('basic-yearly'); // Jan 31 2028 → Jan 31 2029, 366 days
    const next = setAddOnQuantity(yearly, { addOn: addOn('extra-seat'), quantity: 1 }, '2028-07-15T04:20:00.000Z');
    expect(next.addOns).toEqual([{ ...SEATS, quantity: 1, unitAmountCents: 5_000 }]);
    expect(next.pendingItems).toEqual([
      expect.objectContaining({ kind: 'proration_charge', description: 'Extra seat added, 2028-07-15 – 2029-01-31', amountCents: 2_735 }),
    ]);
  });

  test('a NOK subscription pays the NOK price', () => {
    const next = setAddOnQuantity(active('basic-monthly-nok'), { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14);
    expect(next.addOns[0]!.unitAmountCents).toBe(5_000);
    expect(next.pendingItems[0]!.amountCents).toBe(5_172); // 10000 × 15/29 = 5172.4
  });
});

describe('setAddOnQuantity: when nothing has been paid for the period', () => {
  test('during a trial the add-on is attached but nothing is prorated, up or down', () => {
    const trialing = opened('business-monthly'); // 14-day trial
    expect(trialing.status).toBe('trialing');
    const added = setAddOnQuantity(trialing, { addOn: addOn('extra-seat'), quantity: 5 }, '2028-02-03T10:00:00.000Z');
    expect(added.addOns).toEqual([{ ...SEATS, quantity: 5, unitAmountCents: 500 }]);
    expect(added.pendingItems).toEqual([]);
    const reduced = setAddOnQuantity(added, { addOn: addOn('extra-seat'), quantity: 2 }, '2028-02-05T10:00:00.000Z');
    expect(reduced.addOns).toEqual([{ ...SEATS, quantity: 2, unitAmountCents: 500 }]);
    expect(reduced.pendingItems).toEqual([]);
  });

  test('a period not invoiced yet is not prorated (its invoice bills the new quantity in full)', () => {
    const due = advancePeriod(active('basic-monthly'));
    expect(due.currentPeriodInvoiced).toBe(false);
    const next = setAddOnQuantity(due, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_29);
    expect(next.addOns).toHaveLength(1);
    expect(next.pendingItems).toEqual([]);
  });
});

describe('setAddOnQuantity: one-time products', () => {
  test('buying one adds a line for the next invoice and attaches nothing', () => {
    const base = active('basic-monthly');
    const next = setAddOnQuantity(base, { addOn: addOn('welcome-kit'), quantity: 1 }, FEB_14);
    expect(next.addOns).toEqual([]);
    expect(next.pendingItems).toMatchObject([{ kind: 'addon', description: 'Welcome kit (shipped)', quantity: 1, amountCents: 2_500 }]);
  });

  test('several are priced per unit, and each purchase is its own line', () => {
    const once = setAddOnQuantity(active('basic-monthly'), { addOn: addOn('welcome-kit'), quantity: 3 }, FEB_14);
    const twice = setAddOnQuantity(once, { addOn: addOn('welcome-kit'), quantity: 1 }, FEB_24);
    expect(twice.pendingItems).toMatchObject([
      { kind: 'addon', description: 'Welcome kit (shipped) × 3', quantity: 3, amountCents: 7_500 },
      { kind: 'addon', description: 'Welcome kit (shipped)', quantity: 1, amountCents: 2_500 },
    ]);
  });

  test('are billed in full during a trial too (on the first invoice), in the plan currency', () => {
    const trialing = opened('business-monthly-nok');
    const next = setAddOnQuantity(trialing, { addOn: addOn('welcome-kit'), quantity: 1 }, '2028-02-03T10:00:00.000Z');
    expect(next.pendingItems).toMatchObject([{ kind: 'addon', description: 'Welcome kit (shipped)', quantity: 1, amountCents: 25_000 }]);
  });
});

describe('setAddOnQuantity: refusals', () => {
  const line: InvoiceLineDraft = { kind: 'addon', description: 'Welcome kit (shipped)', quantity: 1, amountCents: 2_500 };
  const withPending = (count: number): SubscriptionState => update(active('basic-monthly'), { pendingItems: Array.from({ length: count }, () => line) });

  test('at most MAX_PENDING_ITEMS (50) lines wait for the next invoice: the command is refused before it runs', () => {
    expect(MAX_PENDING_ITEMS).toBe(50);
    const full = withPending(50);
    const message = '50 changes are already waiting for the next invoice; this one can be made after it';
    expect(refusal(() => checkCommand(full, { name: 'setAddOn', input: { addOn: addOn('welcome-kit'), quantity: 1 } }, FEB_14))).toBe(message);
    expect(refusal(() => checkCommand(full, { name: 'setAddOn', input: { addOn: addOn('extra-seat'), quantity: 1 } }, FEB_14))).toBe(message);
  });

  test('at the limit, a change that adds no line (the quantity it already has) is still let through', () => {
    const full = update(withPending(50), { addOns: [{ ...SEATS, quantity: 2, unitAmountCents: 500 }] });
    expect(() => checkCommand(full, { name: 'setAddOn', input: { addOn: addOn('extra-seat'), quantity: 2 } }, FEB_14)).not.toThrow();
    expect(setAddOnQuantity(full, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14)).toBe(full);
  });

  test('the 50th line is still accepted', () => {
    const next = setAddOnQuantity(withPending(49), { addOn: addOn('extra-seat'), quantity: 1 }, FEB_14);
    expect(next.pendingItems).toHaveLength(50);
  });

  test('refuses a currency the add-on is not sold in', () => {
    const usd = update(active('basic-monthly'), { plan: planLike('basic-monthly', { code: 'basic-monthly-usd', currency: 'USD' }) });
    expect(refusal(() => setAddOnQuantity(usd, { addOn: addOn('extra-seat'), quantity: 1 }, FEB_14))).toBe('extra-seat is not sold in USD');
    expect(refusal(() => setAddOnQuantity(usd, { addOn: addOn('welcome-kit'), quantity: 1 }, FEB_14))).toBe('welcome-kit is not sold in USD');
  });

  test('refuses a recurring add-on on a weekly plan', () => {
    const weekly = update(active('basic-monthly'), { plan: planLike('basic-monthly', { interval: { unit: 'week', count: 1 } }) });
    expect(refusal(() => setAddOnQuantity(weekly, { addOn: addOn('extra-seat'), quantity: 1 }, FEB_14))).toBe(
      'extra-seat needs a monthly or yearly plan',
    );
  });
});

describe('setAddOnQuantity: metered add-ons', () => {
  const base = active('basic-monthly');
  const setAddOn = (state: SubscriptionState, code: string, quantity: number) => checkCommand(state, { name: 'setAddOn', input: { addOn: addOn(code), quantity } }, FEB_14);

  test('held with quantity 1 mid-period: no unit price, nothing prorated, its pricing kept as bought', () => {
    const next = setAddOnQuantity(base, { addOn: addOn('api-calls'), quantity: 1 }, FEB_14);
    expect(next.addOns).toEqual([
      { code: 'api-calls', name: 'API calls', quantity: 1, unitAmountCents: 0, monthlyAmountCents: 0, metric: 'api_calls', unitsPerQuantity: 0, pricing: addOn('api-calls').pricing },
    ]);
    expect(next.pendingItems).toEqual([]);
    expect(setAddOnQuantity(next, { addOn: addOn('api-calls'), quantity: 0 }, FEB_24).addOns).toEqual([]);
  });

  test('a quantity above 1, or removing one that is not held, is refused', () => {
    expect(refusal(() => setAddOn(base, 'api-calls', 2))).toBe('a metered add-on is held (quantity 1) or not (0): its usage decides what it costs');
    expect(refusal(() => setAddOn(base, 'api-calls', 0))).toBe('the subscription has no api-calls');
    expect(() => setAddOn(base, 'active-users', 1)).not.toThrow();
  });
});
