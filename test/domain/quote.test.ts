// A quote's price is the first invoice the subscription it becomes issues, and its renewal price.
import { ADD_ON_CATALOGUE } from '../../domain/add-ons';
import { COUPON_CATALOGUE } from '../../domain/discounts';
import { nextDue, dueStep } from '../../domain/schedule';
import { pricePackage, type PackageItems } from '../../domain/packages';
import { priceQuote } from '../../domain/quote';
import { openSubscription, type SubscriptionStart } from '../../domain/subscription';
import type { InvoiceDraft } from '../../domain/invoice';
import { plan, plusDays, start, T0 } from './fixtures';

const addOn = (code: string) => ADD_ON_CATALOGUE.find((a) => a.code === code)!;
const coupon = (code: string) => COUPON_CATALOGUE.find((c) => c.code === code)!;

function items(planCode: string, request: Parameters<typeof pricePackage>[1]): PackageItems {
  const priced = pricePackage(plan(planCode), request);
  if ('refusals' in priced) throw new Error(JSON.stringify(priced.refusals));
  return priced.items;
}

/** Pro monthly (29.00 EUR) with two extra seats, a support retainer at 200.00 and a welcome kit, 20% off for three months. */
function package_(planCode = 'pro-monthly'): SubscriptionStart {
  return {
    ...start(planCode),
    items: items(planCode, {
      addOns: [
        { addOn: addOn('extra-seat'), quantity: 2 },
        { addOn: addOn('welcome-kit'), quantity: 1 },
      ],
      customLines: [{ description: 'Support retainer', unitAmountCents: 20_000, quantity: 1 }],
      coupon: coupon('WELCOME20'),
    }),
  };
}

/** The invoice the subscription's own first step issues once it has opened. */
function firstInvoiceOf(subscription: SubscriptionStart, at: string): InvoiceDraft {
  let state = openSubscription(subscription, new Date(at));
  for (;;) {
    const due = nextDue(state)!;
    const step = dueStep(state, due);
    const issued = step.effects.find((effect) => effect.kind === 'issue_invoice');
    if (issued && issued.kind === 'issue_invoice') return issued.draft;
    state = step.state;
  }
}

describe('priceQuote', () => {
  test('the first invoice has a line per item, the discount on the recurring ones, the one-time product, VAT and the total', () => {
    const { firstInvoice } = priceQuote(package_(), new Date(T0));
    expect(firstInvoice.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['subscription', 2_900],
      ['addon', 1_000],
      ['addon', 20_000],
      ['discount', -4_780],
      ['addon', 2_500],
    ]);
    expect(firstInvoice.lines[2]!.description).toMatch(/^Support retainer, /);
    // 2,900 + 1,000 + 20,000 − 20% of 23,900 + 2,500; prices include 25% VAT.
    expect(firstInvoice.totalCents).toBe(21_620);
    expect(firstInvoice.taxCents).toBe(4_324);
    expect(firstInvoice.netCents).toBe(17_296);
    expect(firstInvoice.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2_500, netCents: 17_296, taxCents: 4_324 }]);
    expect(firstInvoice.issuedAt).toBe(T0);
  });

  test('the first invoice is the one the subscription it becomes issues: same lines, VAT and total', () => {
    const subscription = package_();
    const draft = firstInvoiceOf(subscription, T0);
    const { firstInvoice } = priceQuote(subscription, new Date(T0));
    expect(firstInvoice.lines.map((line) => [line.description, line.amountCents, line.taxCents])).toEqual(draft.lines.map((line) => [line.description, line.amountCents, line.taxed?.taxCents ?? 0]));
    expect([firstInvoice.totalCents, firstInvoice.taxCents, firstInvoice.netCents]).toEqual([draft.amountCents, draft.taxCents, draft.netCents]);
  });

  test('the price per period is the plan and the recurring items at full price: no discount, no one-time product', () => {
    const pricing = priceQuote(package_(), new Date(T0));
    expect(pricing.recurring).toEqual({ interval: { unit: 'month', count: 1 }, netCents: 19_120, taxCents: 4_780, totalCents: 23_900 });
    expect(pricing.discount).toEqual({ code: 'WELCOME20', name: '20% off for 3 months', periods: 3 });
  });

  test('a discount forever is on every period, and a quote without items prices the plan alone', () => {
    const loyal = { ...start('pro-monthly'), items: items('pro-monthly', { addOns: [], customLines: [], coupon: coupon('LOYAL5') }) };
    expect(priceQuote(loyal, new Date(T0)).discount).toEqual({ code: 'LOYAL5', name: '5 EUR off, forever', periods: null });
    const bare = priceQuote(start('basic-monthly'), new Date(T0));
    expect(bare.firstInvoice.lines.map((line) => line.amountCents)).toEqual([900]);
    expect([bare.firstInvoice.totalCents, bare.recurring.totalCents, bare.discount]).toEqual([900, 900, null]);
  });

  test("a plan with a trial charges its first invoice when the trial ends, as the subscription does", () => {
    const trial = { ...start('business-monthly'), items: items('business-monthly', { addOns: [{ addOn: addOn('extra-seat'), quantity: 1 }], customLines: [], coupon: null }) };
    const pricing = priceQuote(trial, new Date(T0));
    expect(pricing.trialEnd).toBe(plusDays(T0, 14));
    expect(pricing.firstInvoice.issuedAt).toBe(plusDays(T0, 14));
    expect(pricing.firstInvoice.totalCents).toBe(9_900 + 500);
    const draft = firstInvoiceOf(trial, T0);
    expect([draft.issuedAt, draft.amountCents]).toEqual([pricing.firstInvoice.issuedAt, pricing.firstInvoice.totalCents]);
  });
});
