import { MAX_PERIOD_CENTS, repriceFor } from '../../domain/add-ons';
import { paymentSucceeded, renewalInvoice } from '../../domain/collection';
import { checkCommand, CommandRefusedError } from '../../domain/commands';
import { nextCustomLineCode, priceCustomLine, quoteCustomLineAddition, quoteCustomLineQuantity } from '../../domain/custom-lines';
import type { PackageItems, PackageRequest } from '../../domain/packages';
import { pricePackage } from '../../domain/packages';
import type { SubscriptionState } from '../../domain/subscription';
import { openSubscription } from '../../domain/subscription';
import { migratePlan } from '../../domain/plan-migration';
import { periodEnded } from '../../domain/renewal';
import { active, bill, plan, start, T0 } from './fixtures';
import { addOn, coupon, planLike } from './upsell-fixtures';

const FEB_14 = '2028-02-14T10:00:00.000Z'; // 15 of the 29 days of period 0 left

const SUPPORT = { description: 'Dedicated support', unitAmountCents: 4_000, quantity: 2 };
const request = (patch: Partial<PackageRequest>): PackageRequest => ({ addOns: [], customLines: [], coupon: null, ...patch });

function priced(planCode: string, patch: Partial<PackageRequest>) {
  const result = pricePackage(plan(planCode), request(patch));
  if ('refusals' in result) throw new Error(`refused: ${JSON.stringify(result.refusals)}`);
  return result.items;
}

function refusals(planCode: string, patch: Partial<PackageRequest>) {
  const result = pricePackage(plan(planCode), request(patch));
  return 'refusals' in result ? result.refusals : [];
}

describe('pricePackage', () => {
  test('prices catalogue add-ons as a purchase would, for the plan: a yearly plan pays ten months for twelve', () => {
    const items = priced('basic-yearly', { addOns: [{ addOn: addOn('extra-seat'), quantity: 3 }] });
    expect(items.addOns).toEqual([expect.objectContaining({ code: 'extra-seat', quantity: 3, unitAmountCents: 5_000, monthlyAmountCents: 500 })]);
    expect(items.pendingItems).toEqual([]);
    expect(items.discount).toBeNull();
  });

  test('a one-time product waits for the first invoice; a metered add-on is held with quantity 1 at no price', () => {
    const items = priced('basic-monthly', { addOns: [{ addOn: addOn('welcome-kit'), quantity: 2 }, { addOn: addOn('api-calls'), quantity: 1 }] });
    expect(items.pendingItems).toEqual([{ kind: 'addon', description: 'Welcome kit (shipped) × 2', quantity: 2, amountCents: 5_000, itemName: 'Welcome kit (shipped)' }]);
    expect(items.addOns).toEqual([expect.objectContaining({ code: 'api-calls', quantity: 1, unitAmountCents: 0, pricing: expect.any(Object) })]);
  });

  test('custom lines are numbered in the order given, at their negotiated price, with a monthly price for a change of interval', () => {
    const items = priced('pro-yearly', {
      customLines: [
        { ...SUPPORT, unitAmountCents: 100_000, product: 'pro', features: ['dedicated-support'], taxCategory: 'reduced_low' },
        { description: 'Workshops', unitAmountCents: 0, quantity: 1 },
      ],
    });
    expect(items.addOns).toEqual([
      {
        code: 'custom-1',
        name: 'Dedicated support',
        quantity: 2,
        unitAmountCents: 100_000,
        monthlyAmountCents: 8_333,
        metric: null,
        unitsPerQuantity: 0,
        features: ['dedicated-support'],
        tax: { category: 'reduced_low', inclusive: true },
        custom: { product: 'pro' },
      },
      { code: 'custom-2', name: 'Workshops', quantity: 1, unitAmountCents: 0, monthlyAmountCents: 0, metric: null, unitsPerQuantity: 0, custom: {} },
    ]);
  });

  test("a custom line's price includes VAT only when the plan's does", () => {
    const exclusive = planLike('pro-monthly', { tax: { category: 'standard', inclusive: false } });
    const result = pricePackage(exclusive, request({ customLines: [SUPPORT] }));
    expect('items' in result && result.items.addOns[0]!.tax).toEqual({ category: 'standard', inclusive: false });
  });

  test("the coupon's discount starts with the subscription", () => {
    expect(priced('pro-monthly', { coupon: coupon('WELCOME20') }).discount).toEqual({
      source: 'coupon',
      code: 'WELCOME20',
      name: '20% off for 3 months',
      percentOff: 20,
      amountOffCents: null,
      remainingPeriods: 3,
    });
  });

  test('names every field that does not fit the plan', () => {
    const weekly = planLike('pro-monthly', { interval: { unit: 'week', count: 1 } });
    expect(refusals('pro-monthly-nok', { addOns: [{ addOn: { ...addOn('extra-seat'), prices: { EUR: 500 } }, quantity: 1 }], coupon: coupon('LOYAL5') })).toEqual([
      { field: 'addOns[0].code', message: 'extra-seat is not sold in NOK' },
      { field: 'coupon', message: 'coupon LOYAL5 is for EUR subscriptions' },
    ]);
    expect(refusals('pro-monthly', { addOns: [{ addOn: addOn('api-calls'), quantity: 2 }] })).toEqual([{ field: 'addOns[0].quantity', message: expect.stringContaining('quantity 1') }]);
    expect(refusals('pro-monthly', { addOns: [{ addOn: addOn('extra-seat'), quantity: 1 }, { addOn: addOn('extra-seat'), quantity: 1 }] })).toEqual([
      { field: 'addOns[1].code', message: expect.stringContaining('listed twice') },
    ]);
    const onWeekly = pricePackage(weekly, request({ customLines: [SUPPORT] }));
    expect('refusals' in onWeekly && onWeekly.refusals).toEqual([{ field: 'customLines[0]', message: expect.stringContaining('monthly or yearly plan') }]);
  });
});

describe('a subscription started with a package', () => {
  const items = priced('pro-monthly', {
    addOns: [{ addOn: addOn('extra-seat'), quantity: 2 }, { addOn: addOn('welcome-kit'), quantity: 1 }],
    customLines: [{ ...SUPPORT, quantity: 1, taxCategory: 'reduced_middle' }],
    coupon: coupon('WELCOME20'),
  });
  const opened = openSubscription({ ...start('pro-monthly'), items }, new Date(T0));

  test('its first invoice bills the plan, add-ons, custom line and one-time product, discounts the recurring ones per VAT category, and taxes each line', () => {
    const invoice = renewalInvoice(opened, T0).draft;
    expect(invoice.lines.map((line) => [line.kind, line.amountCents, line.taxed?.taxCategory, line.taxed?.taxCents])).toEqual([
      ['subscription', 2_900, 'standard', 580],
      ['addon', 1_000, 'standard', 200],
      ['addon', 4_000, 'reduced_middle', 522],
      ['discount', -780, 'standard', -156],
      ['discount', -800, 'reduced_middle', -104],
      ['addon', 2_500, 'standard', 500],
    ]);
    expect(invoice.amountCents).toBe(7_900 - 1_580 + 2_500);
    expect(invoice.billingReason).toBe('subscription_create');
  });

  test('an amount-off coupon comes off the plan and the custom line together, once', () => {
    const amount = priced('pro-monthly', { customLines: [{ ...SUPPORT, quantity: 1 }], coupon: coupon('LOYAL5') });
    const invoice = renewalInvoice(openSubscription({ ...start('pro-monthly'), items: amount }, new Date(T0)), T0).draft;
    expect(invoice.lines.filter((line) => line.kind === 'discount').map((line) => line.amountCents)).toEqual([-500]);
    expect(invoice.amountCents).toBe(6_900 - 500);
  });

  test('after a trial, the first invoice bills the package and takes the first period of the discount', () => {
    const trialing = openSubscription({ ...start('pro-monthly'), trialDays: 14, items }, new Date(T0));
    expect(trialing.status).toBe('trialing');
    const converted = periodEnded(trialing).state;
    const invoice = renewalInvoice(converted, converted.currentPeriod.start).draft;
    expect(invoice.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['subscription', 2_900],
      ['addon', 1_000],
      ['addon', 4_000],
      ['discount', -780],
      ['discount', -800],
      ['addon', 2_500],
    ]);
  });

  test('a start without items opens exactly as before', () => {
    const plain = openSubscription(start('pro-monthly'), new Date(T0));
    expect(JSON.stringify(plain)).toBe(JSON.stringify({ ...opened, addOns: [], pendingItems: [], discount: null }));
  });
});

/** Opened at T0 with `items`, its first invoice paid at once. */
function activeWith(items: PackageItems): SubscriptionState {
  const billed = bill(openSubscription({ ...start('basic-monthly'), items }, new Date(T0)), T0);
  return paymentSucceeded(billed.state, billed.invoice, T0).state;
}

describe('custom lines on a running subscription', () => {
  const base = active('basic-monthly'); // period 0 (Jan 31 → Feb 29) paid
  const line = { description: 'Negotiated bundle', unitAmountCents: 2_900, quantity: 1 };
  /** The reason checkCommand refuses with, or null when it accepts. */
  const refusal = (run: () => void) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(CommandRefusedError);
      return (error as Error).message;
    }
    return null;
  };

  test('an addition in a paid period takes the next code and waits for the next invoice prorated', () => {
    const quote = quoteCustomLineAddition(base, line, FEB_14);
    expect(quote.state.addOns).toEqual([expect.objectContaining({ code: 'custom-1', quantity: 1, unitAmountCents: 2_900 })]);
    // 15 of the 29 days left.
    expect(quote.lines).toEqual([expect.objectContaining({ kind: 'proration_charge', amountCents: 1_500, itemName: 'Negotiated bundle' })]);
    expect(quote.state.pendingItems).toEqual(quote.lines);
    expect(nextCustomLineCode(quote.state.addOns)).toBe('custom-2');
  });

  test('a quantity change keeps the negotiated price; 0 removes the line and credits its unused part', () => {
    const held = activeWith(priced('basic-monthly', { customLines: [line] }));
    const more = quoteCustomLineQuantity(held, 'custom-1', 3, FEB_14);
    expect(more.state.addOns).toEqual([expect.objectContaining({ code: 'custom-1', quantity: 3, unitAmountCents: 2_900 })]);
    expect(more.lines).toEqual([expect.objectContaining({ kind: 'proration_charge', amountCents: 3_000 })]);
    const removed = quoteCustomLineQuantity(held, 'custom-1', 0, FEB_14);
    expect(removed.state.addOns).toEqual([]);
    expect(removed.lines).toEqual([expect.objectContaining({ kind: 'proration_credit', amountCents: -1_500 })]);
  });

  test('refused: a code the subscription does not hold, a plan not billed in months', () => {
    expect(refusal(() => checkCommand(base, { name: 'setCustomLine', input: { code: 'custom-7', quantity: 1 } }, FEB_14))).toBe('the subscription has no custom line custom-7');
    const weekly = { ...base, plan: planLike('basic-monthly', { interval: { unit: 'week', count: 1 } }) };
    expect(refusal(() => checkCommand(weekly, { name: 'addCustomLine', input: { line } }, FEB_14))).toContain('monthly or yearly plan');
    expect(refusal(() => checkCommand(base, { name: 'addCustomLine', input: { line } }, FEB_14))).toBeNull();
  });

  test('refused: any change that makes a period list more than one invoice holds (MAX_PERIOD_CENTS), at the start or later', () => {
    const huge = { description: 'Site licence', unitAmountCents: 100_000_000, quantity: 10_000 };
    // At the start: the sign-up was answered 503 after a minute, its first invoice never stored.
    expect(refusals('basic-monthly', { customLines: [huge] })).toEqual([{ field: 'customLines', message: expect.stringContaining(`one invoice holds at most ${MAX_PERIOD_CENTS}`) }]);
    expect(refusals('basic-monthly', { customLines: [{ ...huge, quantity: 7 }] })).toEqual([]);
    // Later: a new line, a quantity, an add-on, a longer interval.
    expect(refusal(() => checkCommand(base, { name: 'addCustomLine', input: { line: huge } }, FEB_14))).toContain('one invoice holds at most');
    const held = activeWith(priced('basic-monthly', { customLines: [{ ...huge, quantity: 7 }] }));
    expect(refusal(() => checkCommand(held, { name: 'setCustomLine', input: { code: 'custom-1', quantity: 7 } }, FEB_14))).toBeNull();
    expect(refusal(() => checkCommand(held, { name: 'setCustomLine', input: { code: 'custom-1', quantity: 9 } }, FEB_14))).toContain('one invoice holds at most');
    expect(refusal(() => checkCommand(held, { name: 'changePlan', input: { plan: plan('basic-yearly') } }, FEB_14))).toContain('one invoice holds at most');
    const dear = { ...addOn('extra-seat'), prices: { EUR: 1_000_000, NOK: 10_000_000, SEK: 10_000_000, DKK: 10_000_000 } };
    expect(refusal(() => checkCommand(base, { name: 'setAddOn', input: { addOn: dear, quantity: 1000 } }, FEB_14))).toContain('one invoice holds at most');
    expect(refusal(() => checkCommand(base, { name: 'setAddOn', input: { addOn: dear, quantity: 10 } }, FEB_14))).toBeNull();
  });

  test('refused: a custom line that fits a period alone but not with the lines already waiting for the next invoice', () => {
    const licence = { description: 'Site licence', unitAmountCents: 100_000_000, quantity: 5 };
    expect(refusal(() => checkCommand(base, { name: 'addCustomLine', input: { line: licence } }, FEB_14))).toBeNull();
    const waiting = { ...base, pendingItems: [{ kind: 'addon' as const, description: 'Set-up', quantity: 1, amountCents: 400_000_000 }] };
    expect(refusal(() => checkCommand(waiting, { name: 'addCustomLine', input: { line: licence } }, FEB_14))).toContain('one invoice holds at most');
  });

  test("a change of interval reprices a custom line by months (× 12 to yearly, ÷ 12 back), a catalogue add-on by the catalogue's ten months a year", () => {
    expect(repriceFor(priced('basic-monthly', { addOns: [{ addOn: addOn('extra-seat'), quantity: 1 }] }).addOns[0]!, plan('basic-yearly'))).toMatchObject({ unitAmountCents: 5_000 });
    const custom = priceCustomLine(line, 'custom-1', plan('basic-monthly'));
    if (typeof custom === 'string') throw new Error(custom);
    expect(repriceFor(custom, plan('basic-yearly'))).toMatchObject({ unitAmountCents: 2_900 * 12 });
    const yearly = priceCustomLine({ ...line, unitAmountCents: 12_000 }, 'custom-1', plan('basic-yearly'));
    if (typeof yearly === 'string') throw new Error(yearly);
    expect(repriceFor(yearly, plan('basic-monthly'))).toMatchObject({ unitAmountCents: 1_000 });
  });

  test('a migration to a new price version of the plan leaves the custom line at its price', () => {
    const held = activeWith(priced('basic-monthly', { customLines: [line] }));
    const newPrice = { ...plan('basic-monthly'), amountCents: 1_500, priceVersion: 2 };
    const migrated = migratePlan(held, { migrationId: 'mig_1', fromPlanCode: 'basic-monthly', plan: newPrice }, FEB_14).state;
    expect(migrated.scheduledChange?.plan).toEqual(newPrice);
    const moved = periodEnded(migrated).state;
    expect(moved.plan).toEqual(newPrice);
    expect(moved.addOns).toEqual(held.addOns);
    expect(renewalInvoice(moved, moved.currentPeriod.start).draft.lines.map((l) => l.amountCents)).toEqual([1_500, 2_900]);
  });
});
