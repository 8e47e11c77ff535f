import { setAddOnQuantity } from '../../domain/add-on-changes';
import { cancelAtPeriodEnd, cancelNow, endAtPeriodEnd } from '../../domain/cancellation';
import { billPeriod, paymentFailed, paymentSucceeded } from '../../domain/collection';
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

describe('a period invoice that carried a credit for time already paid, voided', () => {
  /** Seats removed on Mar 15 (516 waiting), the Mar 31 renewal carrying that credit declined: past due. */
  function renewalDeclined(rules: number) {
    const removed = setAddOnQuantity(seatsPaid(rules), { addOn: addOn('extra-seat'), quantity: 0 }, MAR_15);
    const billed = billPeriod(periodEnded(removed).state, MAR_31);
    const charge = billed.effects.find((effect) => effect.kind === 'charge');
    if (charge?.kind !== 'charge') throw new Error('the renewal charged nothing');
    return paymentFailed(billed.state, { ...charge.charge.invoice, attempts: 1 }, decline(), MAR_31).state;
  }

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
