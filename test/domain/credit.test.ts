import { capped, closeUnpaidInvoice, currentAccount, invoiceCreditEntries, openAccount, paidRate, refunded, refundSplit, returnable, unusedValue } from '../../domain/credit';
import { update, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, T0, active, bill, opened, plusDays } from './fixtures';

// Basic monthly (9.00 EUR) paid for Jan 31 → Feb 29 2028 (29 days); Feb 10 leaves 19 days unused.
const FEB_10 = '2028-02-10T10:00:00.000Z';

const paid = active('basic-monthly');

/** The same period, bought at `paidCents` of the 9.00 list price, with its charges. */
function boughtAt(paidCents: number, charges: Array<[string, number]> = [['INV-sub_1-0001', paidCents]]): SubscriptionState {
  return update(paid, {
    account: {
      ...openAccount(0, paidCents, paidRate(900, paidCents), null),
      charges: charges.map(([invoiceNumber, amountCents]) => ({ invoiceNumber, amountCents, refundedCents: 0 })),
    },
  });
}

describe('the period account', () => {
  test('a paid period invoice opens it: its value, the paid share of list prices, and the charge to refund against', () => {
    expect(paid.account).toEqual({
      periodIndex: 0,
      paidCents: 900,
      returnedCents: 0,
      rates: { plan: { paid: 900, list: 900 }, addOns: { paid: 900, list: 900 } },
      charges: [{ invoiceNumber: 'INV-sub_1-0001', amountCents: 900, refundedCents: 0 }],
    });
  });

  test('it only counts for the period it paid, and only while the service runs', () => {
    expect(currentAccount(paid)).not.toBeNull();
    expect(currentAccount(update(paid, { periodIndex: 1 }))).toBeNull();
    expect(currentAccount(update(paid, { status: 'paused' }))).toBeNull();
    expect(currentAccount(opened('business-monthly'))).toBeNull(); // a trial paid nothing
  });

  test('an unpaid or declined period invoice opens none', () => {
    const billed = bill(opened('basic-monthly', { trialDays: 0 }), T0);
    expect(billed.state.account).toBeNull();
    expect(returnable(billed.state)).toBe(0);
  });
});

describe('unused time is valued at what was paid for it', () => {
  test('at list price when nothing was discounted: 19/29 of 9.00 = 5.90', () => {
    expect(unusedValue(paid, 900, 'plan', FEB_10)).toBe(590);
  });

  test('at the paid share when a coupon took 20% off: 19/29 of 7.20 = 4.72', () => {
    expect(unusedValue(boughtAt(720), 900, 'plan', FEB_10)).toBe(472);
  });

  test('nothing when the period was free (a first-period-free coupon)', () => {
    expect(unusedValue(boughtAt(0), 900, 'plan', FEB_10)).toBe(0);
  });

  test('nothing once the period is over, all of it at its start', () => {
    expect(unusedValue(paid, 900, 'plan', FEB_29)).toBe(0);
    expect(unusedValue(paid, 900, 'plan', T0)).toBe(900);
    expect(unusedValue(paid, 900, 'plan', plusDays(T0, 40))).toBe(0);
  });
});

describe('capped: what goes back never exceeds what is left of the payment', () => {
  test('amounts are cut in order once the payment is used up', () => {
    const mostlyReturned = update(paid, { account: { ...paid.account!, returnedCents: 700 } });
    expect(returnable(mostlyReturned)).toBe(200);
    expect(capped(mostlyReturned, [150, 150, 50])).toEqual([150, 50, 0]);
  });

  test('nothing goes back for a period that was not paid', () => {
    expect(capped(update(paid, { periodIndex: 1 }), [500])).toEqual([0]);
  });
});

describe('refunds go against the charges that paid for the period, newest first', () => {
  test('an upgrade paid by a second charge is refunded from it before the period invoice', () => {
    const twoCharges = boughtAt(2_210, [
      ['INV-sub_1-0001', 900],
      ['INV-sub_1-0002', 1_310],
    ]);
    expect(refundSplit(twoCharges, 1_500, FEB_10)).toEqual([
      { invoiceNumber: 'INV-sub_1-0002', amountCents: 1_310, idempotencyKey: `sub_1/refund/INV-sub_1-0002/${FEB_10}`, periodIndex: 0 },
      { invoiceNumber: 'INV-sub_1-0001', amountCents: 190, idempotencyKey: `sub_1/refund/INV-sub_1-0001/${FEB_10}`, periodIndex: 0 },
    ]);
  });

  test('never more than the cash charged, net of earlier refunds', () => {
    const once = refunded(paid, refundSplit(paid, 300, FEB_10));
    expect(once.account).toMatchObject({ returnedCents: 300, charges: [{ refundedCents: 300 }] });
    expect(refundSplit(once, 5_000, FEB_29).reduce((sum, r) => sum + r.amountCents, 0)).toBe(600);
  });

  test('a period paid with account credit or elsewhere has no cash to refund', () => {
    expect(refundSplit(boughtAt(900, []), 500, FEB_10)).toEqual([]);
  });
});

describe('the account-credit ledger', () => {
  test('an invoice that uses credit records the use; one whose credits exceed its charges records the surplus', () => {
    const used = update(paid, { creditBalanceCents: 100 });
    expect(invoiceCreditEntries(used, { number: 'INV-sub_1-0002', subtotalCents: 900, issuedAt: FEB_29 }, 400)).toEqual([
      { key: 'sub_1/credit/applied_to_invoice/INV-sub_1-0002', amountCents: -300, cause: 'applied_to_invoice', invoiceNumber: 'INV-sub_1-0002', periodIndex: 0, balanceAfterCents: 100, at: FEB_29 },
    ]);
    const grown = update(paid, { creditBalanceCents: 700 });
    expect(invoiceCreditEntries(grown, { number: 'INV-sub_1-0002', subtotalCents: -300, issuedAt: FEB_10 }, 400)).toMatchObject([{ cause: 'invoice_surplus', amountCents: 300 }]);
    expect(invoiceCreditEntries(paid, { number: 'INV-sub_1-0002', subtotalCents: 900, issuedAt: FEB_29 }, 0)).toEqual([]);
  });

  test('voiding an invoice gives back the credit it used, in the state and the ledger; writing it off does not', () => {
    const billed = bill(update(paid, { creditBalanceCents: 250, periodIndex: 1, currentPeriodInvoiced: false }), FEB_29);
    expect(billed.state.creditBalanceCents).toBe(0);
    const voided = closeUnpaidInvoice(billed.state, billed.invoice, 'void', FEB_29);
    expect(voided.state.creditBalanceCents).toBe(250);
    expect(voided.effects).toEqual([
      {
        kind: 'invoice_status',
        invoiceNumber: billed.invoice.number,
        status: 'void',
        at: FEB_29,
        credit: [{ key: `sub_1/credit/invoice_voided/${billed.invoice.number}`, amountCents: 250, cause: 'invoice_voided', invoiceNumber: billed.invoice.number, periodIndex: 1, balanceAfterCents: 250, at: FEB_29 }],
      },
    ]);
    const writtenOff = closeUnpaidInvoice(billed.state, billed.invoice, 'uncollectible', FEB_29);
    expect(writtenOff.state.creditBalanceCents).toBe(0);
    expect(writtenOff.effects).toMatchObject([{ status: 'uncollectible', credit: [] }]);
  });
});
