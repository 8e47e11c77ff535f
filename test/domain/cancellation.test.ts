import { setAddOnQuantity } from '../../domain/add-on-changes';
import { cancelAtPeriodEnd, cancelNow, endAtPeriodEnd } from '../../domain/cancellation';
import { billPeriod, paymentFailed, paymentSucceeded, retriesExhausted } from '../../domain/collection';
import { creditRefunded } from '../../domain/credit';
import type { Effect } from '../../domain/effects';
import type { InvoiceLineDraft } from '../../domain/invoice';
import { periodEnded } from '../../domain/renewal';
import { update, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, MAR_31, active, bill, decline } from './fixtures';
import { addOn } from './upsell-fixtures';

const MAR_15 = '2028-03-15T10:00:00.000Z'; // 16 of the 31 days of period 1 left

/** Basic monthly with two extra seats, both paid on the Feb 29 renewal, under the amount rules `rules`. */
function seatsPaid(rules: number): SubscriptionState {
  const withSeats = setAddOnQuantity(update(active('basic-monthly'), { rules }), { addOn: addOn('extra-seat'), quantity: 2 }, '2028-01-31T10:00:00.000Z');
  const renewed = periodEnded(withSeats).state;
  const billed = bill(renewed, FEB_29);
  return paymentSucceeded(billed.state, billed.invoice, FEB_29).state;
}

const issued = (effects: readonly Effect[]) => effects.flatMap((effect) => (effect.kind === 'issue_invoice' ? [effect] : []));

describe('the end of a subscription with lines still waiting for the next invoice', () => {
  test('seats removed after the period was paid, then canceled at period end: their credit is issued on the final invoice, nothing due, and kept as account credit', () => {
    const removed = setAddOnQuantity(seatsPaid(3), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    // 2 × 500 × 16/31 = 516.13 → 516, waiting for the renewal that will not come.
    expect(removed.pendingItems).toMatchObject([{ kind: 'proration_credit', amountCents: -516 }]);
    const ended = endAtPeriodEnd(cancelAtPeriodEnd(removed, MAR_15));
    const [invoice] = issued(ended.effects);
    expect(invoice?.draft).toMatchObject({ billingReason: 'subscription_final', amountCents: 0, subtotalCents: -516, lines: [{ kind: 'proration_credit', amountCents: -516 }] });
    expect(invoice?.credit).toMatchObject([{ cause: 'invoice_surplus', amountCents: 516, balanceAfterCents: 516 }]);
    expect(ended.state).toMatchObject({ status: 'canceled', endedAt: MAR_31, creditBalanceCents: 516, pendingItems: [] });
  });

  test('under the rules before version 3, the same credit was dropped: subscriptions started then end as they were billed', () => {
    const removed = setAddOnQuantity(seatsPaid(2), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const ended = endAtPeriodEnd(cancelAtPeriodEnd(removed, MAR_15));
    expect(issued(ended.effects)).toEqual([]);
    expect(ended.state).toMatchObject({ status: 'canceled', creditBalanceCents: 0, pendingItems: [] });
  });

  test("a skipped delivery's credit is not granted: the renewal it takes the box off is never billed", () => {
    const skipped: InvoiceLineDraft = { kind: 'proration_credit', description: 'Delivery skipped: Monthly box', quantity: 1, amountCents: -1_500, skippedDelivery: true };
    const waiting = update(cancelAtPeriodEnd(seatsPaid(3), MAR_15), { pendingItems: [skipped] });
    const ended = endAtPeriodEnd(waiting);
    expect(issued(ended.effects)).toEqual([]);
    expect(ended.state).toMatchObject({ creditBalanceCents: 0, pendingItems: [] });
  });
});

/** Seats removed on Mar 15 (516 waiting), the Mar 31 renewal carrying that credit declined: past due. */
function renewalDeclined(rules: number) {
  const removed = setAddOnQuantity(seatsPaid(rules), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
  const billed = billPeriod(periodEnded(removed).state, MAR_31);
  const charge = billed.effects.find((effect) => effect.kind === 'charge');
  if (charge?.kind !== 'charge') throw new Error('the renewal charged nothing');
  return paymentFailed(billed.state, { ...charge.charge.invoice, attempts: 1 }, decline(), MAR_31).state;
}

describe('a period invoice that carried a credit for time already paid, voided', () => {
  test('canceled while it is collected: the invoice is voided and the credit it carried goes back as account credit', () => {
    const pastDue = renewalDeclined(3);
    expect(pastDue).toMatchObject({ status: 'past_due', latestInvoice: { amountCents: 900 - 516, carriedCreditCents: 516 } });
    const canceled = cancelNow(pastDue, { when: 'now' }, '2028-04-02T10:00:00.000Z');
    const voided = canceled.effects.find((effect) => effect.kind === 'invoice_status');
    expect(voided).toMatchObject({ status: 'void', credit: [{ cause: 'invoice_voided', amountCents: 516, balanceAfterCents: 516 }] });
    expect(canceled.state).toMatchObject({ status: 'canceled', creditBalanceCents: 516 });
  });

  test('under the rules before version 3 the credit went with the voided invoice', () => {
    const canceled = cancelNow(renewalDeclined(2), { when: 'now' }, '2028-04-02T10:00:00.000Z');
    expect(canceled.state.latestInvoice?.carriedCreditCents).toBeUndefined();
    expect(canceled.state.creditBalanceCents).toBe(0);
  });
});

describe('account credit left when a subscription ends (amount rules 4)', () => {
  const APR_2 = '2028-04-02T10:00:00.000Z';
  const refundsOfCredit = (effects: readonly Effect[]) => effects.filter((effect) => effect.kind === 'refund_credit');

  test('canceled at period end with credit on the ledger: after the final invoice, the credit is refunded to the card', () => {
    const removed = setAddOnQuantity(seatsPaid(4), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const ended = endAtPeriodEnd(cancelAtPeriodEnd(removed, MAR_15));
    expect(ended.effects.at(-1)).toEqual({ kind: 'refund_credit', amountCents: 516, at: MAR_31 });
    expect(ended.effects.findIndex((effect) => effect.kind === 'issue_invoice')).toBeLessThan(ended.effects.length - 1);
  });

  test('canceled now with a prorated refund: the unused time is refunded, then the credit left', () => {
    const removed = setAddOnQuantity(seatsPaid(4), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const canceled = cancelNow(removed, { when: 'now', refund: 'prorated' }, MAR_15);
    const kinds = canceled.effects.map((effect) => effect.kind);
    expect(kinds.indexOf('refund')).toBeLessThan(kinds.indexOf('refund_credit'));
    expect(refundsOfCredit(canceled.effects)).toEqual([{ kind: 'refund_credit', amountCents: canceled.state.creditBalanceCents, at: MAR_15 }]);
    expect(canceled.state.creditBalanceCents).toBe(516);
  });

  test('ended by dunning: the credit the voided renewal carried goes back to the card', () => {
    const ended = retriesExhausted(renewalDeclined(4), APR_2);
    expect(ended.state).toMatchObject({ status: 'canceled', creditBalanceCents: 516 });
    expect(refundsOfCredit(ended.effects)).toEqual([{ kind: 'refund_credit', amountCents: 516, at: APR_2 }]);
  });

  test('canceled now without a refund: nothing goes back, the credit stays on the ledger', () => {
    const removed = setAddOnQuantity(seatsPaid(4), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const canceled = cancelNow(removed, { when: 'now', refund: 'none' }, MAR_15);
    expect(canceled.effects.filter((effect) => effect.kind === 'refund' || effect.kind === 'refund_credit')).toEqual([]);
    expect(canceled.state).toMatchObject({ status: 'canceled', creditBalanceCents: 516 });
  });

  test('a subscription that ends with no credit refunds none, and rules before version 4 keep the credit on the ledger', () => {
    expect(refundsOfCredit(endAtPeriodEnd(cancelAtPeriodEnd(seatsPaid(4), MAR_15)).effects)).toEqual([]);
    const removed = setAddOnQuantity(seatsPaid(3), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    expect(refundsOfCredit(endAtPeriodEnd(cancelAtPeriodEnd(removed, MAR_15)).effects)).toEqual([]);
  });

  test('what the charges took back leaves the balance with a refunded ledger entry; what they could not take stays', () => {
    const removed = setAddOnQuantity(seatsPaid(4), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const ended = endAtPeriodEnd(cancelAtPeriodEnd(removed, MAR_15)).state;
    const all = creditRefunded(ended, 516, MAR_31);
    expect(all.state.creditBalanceCents).toBe(0);
    expect(all.effects).toEqual([
      { kind: 'credit', entries: [expect.objectContaining({ cause: 'refunded', amountCents: -516, balanceAfterCents: 0, at: MAR_31 })] },
      { kind: 'email', email: expect.objectContaining({ content: { template: 'credit_refunded', amountCents: 516, currency: 'EUR' } }) },
    ]);
    expect(creditRefunded(ended, 300, MAR_31).state.creditBalanceCents).toBe(216);
    expect(creditRefunded(ended, 0, MAR_31)).toEqual({ state: ended, effects: [] });
  });
});
