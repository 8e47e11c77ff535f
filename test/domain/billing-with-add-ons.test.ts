// Period invoices with everything the upsell features add: recurring add-ons, lines waiting from
// the last period (prorations, one-time products), a discount and account credit, to the cent.
import { setAddOnQuantity } from '../../domain/add-on-changes';
import { cancellationRefund } from '../../domain/cancellation';
import { invoiceIssued, paymentSucceeded, renewalInvoice } from '../../domain/collection';
import { discountFromCoupon, type ActiveDiscount } from '../../domain/discounts';
import type { InvoiceLineDraft } from '../../domain/invoice';
import { pauseNow, resume } from '../../domain/pause';
import { quotePlanChange, schedulePlanChange } from '../../domain/plan-change';
import { periodEnded } from '../../domain/renewal';
import { update, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, MAR_31, T0, active, changePlanPaid, opened, plan, summaryOf } from './fixtures';
import { addOn, coupon, renewPaid } from './upsell-fixtures';

const FEB_14 = '2028-02-14T10:00:00.000Z';
const FEB_20_ODD = '2028-02-20T16:30:45.000Z';
const APR_30 = '2028-04-30T10:00:00.000Z';
const MAY_31 = '2028-05-31T10:00:00.000Z';

type Row = [InvoiceLineDraft['kind'], string, number];
const rows = (lines: readonly InvoiceLineDraft[]): Row[] => lines.map((l) => [l.kind, l.description, l.amountCents]);

/**
 * Basic monthly, paid for period 0 (Jan 31 → Feb 29), then mid-period: 2 extra seats on Feb 14,
 * 1 extra storage on Feb 20 16:30:45, a welcome kit, the WELCOME20 coupon and `credit` of account credit.
 */
function loaded(credit: number): SubscriptionState {
  let state = active('basic-monthly');
  state = setAddOnQuantity(state, { addOn: addOn('extra-seat'), quantity: 2 }, FEB_14); // 1000 × 15/29 = 517.24 → 517
  state = setAddOnQuantity(state, { addOn: addOn('extra-storage'), quantity: 1 }, FEB_20_ODD); // 300 × 754155/2505600 = 90.30 → 90
  state = setAddOnQuantity(state, { addOn: addOn('welcome-kit'), quantity: 1 }, FEB_20_ODD);
  return update(state, { discount: discountFromCoupon(coupon('WELCOME20')), creditBalanceCents: credit });
}

/** Ends the period, issues the next period's invoice at its start and pays it. */
function renewAndPay(state: SubscriptionState) {
  const due = periodEnded(state).state;
  const built = renewalInvoice(due, due.currentPeriod.start);
  const issued = invoiceIssued(due, built, summaryOf(built));
  const paid = paymentSucceeded(issued, { ...summaryOf(built), attempts: 1 }, due.currentPeriod.start).state;
  return { built, issued, paid };
}

describe('a renewal with add-ons, pending lines, a discount and account credit', () => {
  const due = periodEnded(loaded(1_000)).state;
  const built = renewalInvoice(due, FEB_29);

  test('bills the plan and add-ons, the discount on those, the waiting lines, then applies the credit', () => {
    expect(built.draft.lines).toMatchObject([
      { kind: 'subscription', description: 'Basic monthly (month), 2028-02-29 – 2028-03-31', quantity: 1, amountCents: 900, periodStart: FEB_29, periodEnd: MAR_31 },
      { kind: 'addon', description: 'Extra seat × 2, 2028-02-29 – 2028-03-31', quantity: 2, amountCents: 1_000, periodStart: FEB_29, periodEnd: MAR_31 },
      { kind: 'addon', description: 'Extra storage (100 GB), 2028-02-29 – 2028-03-31', quantity: 1, amountCents: 300, periodStart: FEB_29, periodEnd: MAR_31 },
      // 20% of the recurring 2200 only, not of the waiting lines
      { kind: 'discount', description: 'Discount: 20% off for 3 months', quantity: 1, amountCents: -440 },
      { kind: 'proration_charge', description: 'Extra seat × 2 added, 2028-02-14 – 2028-02-29', quantity: 2, amountCents: 517, periodStart: FEB_14, periodEnd: FEB_29 },
      { kind: 'proration_charge', description: 'Extra storage (100 GB) added, 2028-02-20 – 2028-02-29', quantity: 1, amountCents: 90, periodStart: FEB_20_ODD, periodEnd: FEB_29 },
      { kind: 'addon', description: 'Welcome kit (shipped)', quantity: 1, amountCents: 2_500 },
      { kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -1_000 },
    ]);
  });

  test('totals to the cent: subtotal 48.67, credit 10.00 applied, 38.67 due', () => {
    expect(built.draft).toMatchObject({ number: 'INV-sub_1-0002', periodIndex: 1, billingReason: 'subscription_cycle', currency: 'EUR', subtotalCents: 4_867, amountCents: 3_867 });
    expect(built.creditBalanceCents).toBe(0);
  });

  test('issuing it consumes the waiting lines and the credit, and uses one period of the discount', () => {
    const issued = invoiceIssued(due, built, summaryOf(built));
    expect(issued.pendingItems).toEqual([]);
    expect(issued.creditBalanceCents).toBe(0);
    expect(issued.discount).toEqual({ ...discountFromCoupon(coupon('WELCOME20')), remainingPeriods: 2 });
    expect(issued).toMatchObject({ invoiceCount: 2, currentPeriodInvoiced: true, latestInvoice: { number: 'INV-sub_1-0002', amountCents: 3_867 } });
    expect(issued.addOns.map((a) => [a.code, a.quantity])).toEqual([['extra-seat', 2], ['extra-storage', 1]]);
  });

  test('the discount counts down one period per period invoice, then the full price is billed', () => {
    const first = renewAndPay(loaded(1_000));
    const second = renewAndPay(first.paid); // Mar 31 → Apr 30
    expect(rows(second.built.draft.lines)).toEqual([
      ['subscription', 'Basic monthly (month), 2028-03-31 – 2028-04-30', 900],
      ['addon', 'Extra seat × 2, 2028-03-31 – 2028-04-30', 1_000],
      ['addon', 'Extra storage (100 GB), 2028-03-31 – 2028-04-30', 300],
      ['discount', 'Discount: 20% off for 3 months', -440],
    ]);
    expect(second.built.draft.amountCents).toBe(1_760);
    expect(second.issued.discount?.remainingPeriods).toBe(1);

    const third = renewAndPay(second.paid); // Apr 30 → May 31
    expect(third.built.draft.period).toEqual({ start: APR_30, end: MAY_31 });
    expect(third.built.draft.amountCents).toBe(1_760);
    expect(third.issued.discount).toBeNull();

    const fourth = renewAndPay(third.paid); // May 31 → Jun 30: no discount any more
    expect(rows(fourth.built.draft.lines).map(([kind]) => kind)).toEqual(['subscription', 'addon', 'addon']);
    expect(fourth.built.draft.amountCents).toBe(2_200);
  });

  test('credit larger than the invoice pays it all; the rest stays on the account', () => {
    const big = renewalInvoice(periodEnded(loaded(5_000)).state, FEB_29);
    expect(big.draft.lines.at(-1)).toEqual({ kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -4_867 });
    expect(big.draft).toMatchObject({ subtotalCents: 4_867, amountCents: 0 });
    expect(big.creditBalanceCents).toBe(133);
  });
});

describe('discounts on period invoices', () => {
  test('a fixed amount is capped at the recurring charges; waiting lines are still charged in full', () => {
    const bigFixed: ActiveDiscount = { source: 'coupon', code: 'BIG', name: '50 EUR off', percentOff: null, amountOffCents: 5_000, remainingPeriods: null };
    const due = periodEnded(update(loaded(0), { discount: bigFixed })).state;
    const { draft } = renewalInvoice(due, FEB_29);
    expect(draft.lines.find((l) => l.kind === 'discount')?.amountCents).toBe(-2_200);
    expect(draft.amountCents).toBe(517 + 90 + 2_500);
  });

  test('LOYAL5 takes 5.00 off every period invoice, forever', () => {
    let state = update(active('basic-monthly'), { discount: discountFromCoupon(coupon('LOYAL5')) });
    for (let i = 0; i < 4; i += 1) {
      const step = renewAndPay(state);
      expect(step.built.draft.amountCents).toBe(400);
      expect(step.issued.discount).toEqual(discountFromCoupon(coupon('LOYAL5')));
      state = step.paid;
    }
  });

  test('FIRSTFREE makes the recurring charges free once; the waiting lines are still charged', () => {
    let state = update(active('basic-monthly'), { discount: discountFromCoupon(coupon('FIRSTFREE')) });
    state = setAddOnQuantity(state, { addOn: addOn('welcome-kit'), quantity: 1 }, FEB_14);
    const { built, issued } = renewAndPay(state);
    expect(rows(built.draft.lines)).toEqual([
      ['subscription', 'Basic monthly (month), 2028-02-29 – 2028-03-31', 900],
      ['discount', 'Discount: First period free', -900],
      ['addon', 'Welcome kit (shipped)', 2_500],
    ]);
    expect(built.draft.amountCents).toBe(2_500);
    expect(issued.discount).toBeNull();
  });
});

describe('add-ons on the first invoice after a trial', () => {
  test('add-ons bought during the trial are billed in full for the first paid period, with the one-time products', () => {
    let trialing = opened('business-monthly'); // trial Jan 31 → Feb 14 10:00
    trialing = setAddOnQuantity(trialing, { addOn: addOn('extra-seat'), quantity: 5 }, '2028-02-03T10:00:00.000Z');
    trialing = setAddOnQuantity(trialing, { addOn: addOn('welcome-kit'), quantity: 1 }, '2028-02-03T10:00:00.000Z');
    const due = periodEnded(trialing).state;
    const { draft } = renewalInvoice(due, FEB_14);
    expect(rows(draft.lines)).toEqual([
      ['subscription', 'Business monthly (month), 2028-02-14 – 2028-03-14', 9_900],
      ['addon', 'Extra seat × 5, 2028-02-14 – 2028-03-14', 2_500],
      ['addon', 'Welcome kit (shipped)', 2_500],
    ]);
    expect(draft).toMatchObject({ number: 'INV-sub_1-0001', billingReason: 'subscription_create', amountCents: 14_900 });
  });
});

describe('add-ons on a period that starts late', () => {
  test('after a resume that keeps the calendar, plan and add-ons are prorated from the resume', () => {
    let state = setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 2 }, T0);
    state = renewPaid(state); // period 1: Feb 29 → Mar 31
    const paused = pauseNow(state, null, '2028-03-10T10:00:00.000Z').state;
    const resumed = resume(paused, 'keep', '2028-03-20T10:00:00.000Z').state; // 11 of 31 days left
    const { draft } = renewalInvoice(resumed, '2028-03-20T10:00:00.000Z');
    const recurring = draft.lines.filter((l) => l.kind === 'subscription' || l.kind === 'addon');
    expect(rows(recurring)).toEqual([
      ['subscription', 'Basic monthly (month), 2028-03-20 – 2028-03-31', 319], // 900 × 11/31 = 319.35
      ['addon', 'Extra seat × 2, 2028-03-20 – 2028-03-31', 355], // 1000 × 11/31 = 354.84
    ]);
  });

  test('removing add-ons worth more than the next invoice leaves the difference as account credit', () => {
    let state = setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 20 }, T0);
    state = renewPaid(state); // period 1 (Feb 29 → Mar 31) billed with the 20 seats
    state = setAddOnQuantity(state, { addOn: addOn('extra-seat'), quantity: 0 }, '2028-03-01T10:00:00.000Z'); // 10000 × 30/31 = 9677.42
    const { draft, creditBalanceCents } = renewalInvoice(periodEnded(state).state, MAR_31);
    expect(rows(draft.lines)).toEqual([
      ['subscription', 'Basic monthly (month), 2028-03-31 – 2028-04-30', 900],
      ['proration_credit', 'Extra seat × 20 removed, 2028-03-01 – 2028-03-31', -9_677],
    ]);
    expect(draft).toMatchObject({ subtotalCents: -8_777, amountCents: 0 });
    expect(creditBalanceCents).toBe(8_777);
  });
});

describe('add-ons across a change of billing interval', () => {
  const withSeats = () => setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 2 }, T0);

  test('a switch to yearly at period end bills the add-ons at the yearly price (10 × monthly)', () => {
    const scheduled = schedulePlanChange(withSeats(), plan('basic-yearly'), FEB_14);
    const due = periodEnded(scheduled).state; // Feb 29 2028 → Feb 28 2029 on Basic yearly
    expect(due.plan.code).toBe('basic-yearly');
    const { draft } = renewalInvoice(due, FEB_29);
    expect(draft.lines.find((l) => l.kind === 'addon')?.amountCents).toBe(10_000);
  });

  test('a switch to yearly now bills the add-ons for the new yearly period, at the yearly price', () => {
    const at = FEB_14;
    const quote = quotePlanChange(withSeats(), { plan: plan('basic-yearly'), when: 'now' }, at);
    expect(quote.newPeriod).not.toBeNull();
    const addOnLines = quote.invoice!.draft.lines.filter((l) => l.kind === 'addon');
    expect(addOnLines.reduce((sum, l) => sum + l.amountCents, 0)).toBe(10_000);
  });

  test('after a switch to yearly now, the next yearly renewal bills the add-ons at the yearly price', () => {
    const at = FEB_14;
    const state = withSeats();
    const switched = changePlanPaid(state, 'basic-yearly', at);
    const renewal = periodEnded(switched).state; // Feb 14 2029 → Feb 14 2030
    const { draft } = renewalInvoice(renewal, renewal.currentPeriod.start);
    expect(draft.lines.find((l) => l.kind === 'addon')?.amountCents).toBe(10_000);
  });
});

describe('add-ons paid for a period that ends early', () => {
  // Period 1 (Feb 29 → Mar 31, 31 days) billed 9.00 for the plan and 10.00 for 2 extra seats
  // (plus the 10.00 proration from period 0): 29.00 paid. On Mar 10, 21 of 31 days are unused.
  const paidWithSeats = () => renewPaid(setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 2 }, T0));
  const MAR_10 = '2028-03-10T10:00:00.000Z';

  test('the period invoice the test starts from', () => {
    expect(paidWithSeats().latestInvoice).toMatchObject({ number: 'INV-sub_1-0002', amountCents: 2_900, status: 'paid' });
  });

  test('pausing now credits the unused part of the add-ons as well as the plan', () => {
    // (900 + 1000) × 21/31 = 1287.10 → 1287 (plan alone: 609.68 → 610)
    expect(pauseNow(paidWithSeats(), null, MAR_10).state.creditBalanceCents).toBe(1_287);
  });

  test('a prorated refund on canceling now covers the unused add-ons as well as the plan', () => {
    expect(cancellationRefund(paidWithSeats(), MAR_10)).toBe(1_287);
  });
});
