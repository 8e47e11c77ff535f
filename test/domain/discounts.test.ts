import { COUPON_CATALOGUE, afterPeriodInvoice, couponRefusal, discountFromCoupon, discountLine, type ActiveDiscount } from '../../domain/discounts';
import { coupon } from './upsell-fixtures';

function percent(percentOff: number, remainingPeriods: number | null = 3): ActiveDiscount {
  return { source: 'coupon', code: 'P', name: `${percentOff}% off`, percentOff, amountOffCents: null, remainingPeriods };
}

function fixed(amountOffCents: number, remainingPeriods: number | null = null): ActiveDiscount {
  return { source: 'coupon', code: 'F', name: 'money off', percentOff: null, amountOffCents, remainingPeriods };
}

describe('COUPON_CATALOGUE', () => {
  test('has WELCOME20, FIRSTFREE and LOYAL5', () => {
    expect(COUPON_CATALOGUE.map((c) => c.code)).toEqual(['WELCOME20', 'FIRSTFREE', 'LOYAL5']);
  });
});

describe('discountFromCoupon', () => {
  test('a repeating coupon applies to as many period invoices as it says', () => {
    expect(discountFromCoupon(coupon('WELCOME20'))).toEqual({
      source: 'coupon',
      code: 'WELCOME20',
      name: '20% off for 3 months',
      percentOff: 20,
      amountOffCents: null,
      remainingPeriods: 3,
    });
  });

  test('a once coupon applies to one period invoice', () => {
    expect(discountFromCoupon(coupon('FIRSTFREE'))).toEqual({
      source: 'coupon',
      code: 'FIRSTFREE',
      name: 'First period free',
      percentOff: 100,
      amountOffCents: null,
      remainingPeriods: 1,
    });
  });

  test('a forever coupon never runs out (remainingPeriods null)', () => {
    expect(discountFromCoupon(coupon('LOYAL5'))).toEqual({
      source: 'coupon',
      code: 'LOYAL5',
      name: '5 EUR off, forever',
      percentOff: null,
      amountOffCents: 500,
      remainingPeriods: null,
    });
  });

  test('a repeating coupon without a number of periods applies once', () => {
    expect(discountFromCoupon({ ...coupon('WELCOME20'), durationPeriods: null }).remainingPeriods).toBe(1);
  });

  test('a once coupon ignores any number of periods it carries', () => {
    expect(discountFromCoupon({ ...coupon('FIRSTFREE'), durationPeriods: 6 }).remainingPeriods).toBe(1);
  });
});

describe('couponRefusal', () => {
  test('refuses a fixed-amount coupon on a subscription billed in another currency', () => {
    expect(couponRefusal(coupon('LOYAL5'), 'NOK')).toBe('coupon LOYAL5 is for EUR subscriptions');
  });

  test('accepts a fixed-amount coupon in its own currency', () => {
    expect(couponRefusal(coupon('LOYAL5'), 'EUR')).toBeNull();
  });

  test('accepts a percentage coupon in any currency', () => {
    expect(couponRefusal(coupon('WELCOME20'), 'NOK')).toBeNull();
    expect(couponRefusal(coupon('FIRSTFREE'), 'EUR')).toBeNull();
    expect(couponRefusal(coupon('WELCOME20'), 'USD')).toBeNull();
  });
});

describe('discountLine: percentages', () => {
  test('takes the percentage off the charges as a negative discount line', () => {
    expect(discountLine(discountFromCoupon(coupon('WELCOME20')), 900)).toEqual({
      kind: 'discount',
      description: 'Discount: 20% off for 3 months',
      quantity: 1,
      amountCents: -180,
    });
  });

  test.each([
    [25, 1_001, -250], // 250.25
    [25, 1_002, -251], // 250.5: half away from zero
    [25, 1_003, -251], // 250.75
    [10, 1_905, -191], // 190.5
    [10, 1_904, -190], // 190.4
    [15, 2_190, -329], // 328.5
    [33, 1_050, -347], // 346.5
    [20, 2_200, -440],
  ])('%i%% of %i is %i (rounded half away from zero)', (percentOff, charges, expected) => {
    expect(discountLine(percent(percentOff), charges)!.amountCents).toBe(expected);
  });

  test('100% off takes everything off', () => {
    expect(discountLine(discountFromCoupon(coupon('FIRSTFREE')), 2_345)!.amountCents).toBe(-2_345);
  });

  test('a percentage that rounds to nothing gives no line', () => {
    expect(discountLine(percent(20), 2)).toBeNull(); // 0.4
    expect(discountLine(percent(20), 3)!.amountCents).toBe(-1); // 0.6
  });

  test('a forever percentage applies like any other', () => {
    expect(discountLine(percent(10, null), 5_000)!.amountCents).toBe(-500);
  });
});

describe('discountLine: fixed amounts', () => {
  test('takes the fixed amount off', () => {
    expect(discountLine(discountFromCoupon(coupon('LOYAL5')), 900)).toEqual({
      kind: 'discount',
      description: 'Discount: 5 EUR off, forever',
      quantity: 1,
      amountCents: -500,
    });
  });

  test('never takes more than the charges (the invoice does not go below zero)', () => {
    expect(discountLine(fixed(500), 300)!.amountCents).toBe(-300);
    expect(discountLine(fixed(500), 500)!.amountCents).toBe(-500);
    expect(discountLine(fixed(500), 501)!.amountCents).toBe(-500);
  });
});

describe('discountLine: nothing comes off', () => {
  test('when no periods remain', () => {
    expect(discountLine(percent(20, 0), 900)).toBeNull();
    expect(discountLine(fixed(500, 0), 900)).toBeNull();
  });

  test('when there is nothing to discount (charges 0 or negative)', () => {
    expect(discountLine(percent(20), 0)).toBeNull();
    expect(discountLine(percent(20), -900)).toBeNull();
    expect(discountLine(fixed(500), 0)).toBeNull();
    expect(discountLine(fixed(500), -1)).toBeNull();
  });
});

describe('afterPeriodInvoice', () => {
  test('a repeating discount counts down one period per period invoice, then runs out', () => {
    const three = discountFromCoupon(coupon('WELCOME20'));
    const two = afterPeriodInvoice(three);
    expect(two).toEqual({ ...three, remainingPeriods: 2 });
    const one = afterPeriodInvoice(two!);
    expect(one).toEqual({ ...three, remainingPeriods: 1 });
    expect(afterPeriodInvoice(one!)).toBeNull();
  });

  test('a once discount runs out after one period invoice', () => {
    expect(afterPeriodInvoice(discountFromCoupon(coupon('FIRSTFREE')))).toBeNull();
  });

  test('a forever discount stays as it is', () => {
    const forever = discountFromCoupon(coupon('LOYAL5'));
    expect(afterPeriodInvoice(forever)).toEqual(forever);
    expect(afterPeriodInvoice(afterPeriodInvoice(forever)!)).toEqual(forever);
  });

  test('does not change the discount it was given', () => {
    const three = discountFromCoupon(coupon('WELCOME20'));
    afterPeriodInvoice(three);
    expect(three.remainingPeriods).toBe(3);
  });
});
