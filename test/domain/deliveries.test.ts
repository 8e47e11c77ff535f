import { setAddOnQuantity } from '../../domain/add-on-changes';
import {
  deliveriesBilledBy,
  deliveryChangeRefusal,
  deliveryCutoff,
  nextDeliveries,
  renewedPeriod,
  skippedCreditsAdded,
  skippedDeliveryCredits,
} from '../../domain/deliveries';
import type { Due } from '../../domain/schedule';
import { renewalInvoice } from '../../domain/collection';
import { COUPON_CATALOGUE, discountFromCoupon } from '../../domain/discounts';
import { update } from '../../domain/subscription';
import { active } from './fixtures';
import { addOn } from './upsell-fixtures';

const FEB_14 = '2028-02-14T10:00:00.000Z';
const boxed = () => setAddOnQuantity(active('basic-monthly'), { addOn: addOn('monthly-box'), quantity: 2 }, FEB_14);
const periodEnd = (state: ReturnType<typeof boxed>): Due => ({ kind: 'period_end', at: state.currentPeriod.end });

describe('nextDeliveries', () => {
  test('a shipping add-on gets a delivery for the period after the current one, final the cut-off days before it starts', () => {
    const state = boxed();
    const next = renewedPeriod(state);
    expect(next.start).toBe(state.currentPeriod.end);
    expect(nextDeliveries(state, 3)).toEqual([
      { subscriptionId: state.id, addOnCode: 'monthly-box', addOnName: 'Monthly box (shipped)', quantity: 2, period: next, cutoffAt: deliveryCutoff(next.start, 3) },
    ]);
    expect(deliveryCutoff('2028-03-31T10:00:00.000Z', 3)).toBe('2028-03-28T10:00:00.000Z');
  });

  test('add-ons that do not ship get none', () => {
    expect(nextDeliveries(setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 1 }, FEB_14), 3)).toEqual([]);
  });

  test('a subscription that will not renew into the next period gets none', () => {
    expect(nextDeliveries(update(boxed(), { cancelAtPeriodEnd: true }), 3)).toEqual([]);
    expect(nextDeliveries(update(boxed(), { status: 'canceled' }), 3)).toEqual([]);
  });
});

describe('deliveryChangeRefusal', () => {
  const delivery = { cutoffAt: '2028-03-28T10:00:00.000Z', periodStart: '2028-03-31T10:00:00.000Z' };

  test('open until the cut-off', () => {
    expect(deliveryChangeRefusal(delivery, '2028-03-28T09:59:59.999Z')).toBeNull();
  });

  test('refused from the cut-off on, naming it', () => {
    expect(deliveryChangeRefusal(delivery, '2028-03-28T10:00:00.000Z')).toBe(
      'the delivery for the period starting 2028-03-31 is final: its cut-off was 2028-03-28T10:00:00.000Z',
    );
  });
});

describe('deliveriesBilledBy', () => {
  test('a renewal at the period end asks about the shipping add-ons held', () => {
    expect(deliveriesBilledBy(boxed(), periodEnd(boxed()))).toEqual(['monthly-box']);
  });

  test('nothing to ask without a shipping add-on, at another step, or when the period end ends or pauses the subscription', () => {
    const plain = active('basic-monthly');
    expect(deliveriesBilledBy(plain, periodEnd(plain))).toEqual([]);
    expect(deliveriesBilledBy(boxed(), { kind: 'trial_reminder', at: FEB_14 })).toEqual([]);
    expect(deliveriesBilledBy(update(boxed(), { cancelAtPeriodEnd: true }), periodEnd(boxed()))).toEqual([]);
    expect(deliveriesBilledBy(update(boxed(), { pauseAtPeriodEnd: { periods: 1 } }), periodEnd(boxed()))).toEqual([]);
  });
});

describe('skippedDeliveryCredits', () => {
  test('a skipped delivery credits the add-on line of its period, quantity and all', () => {
    const state = boxed();
    const period = renewedPeriod(state);
    const span = `${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`;
    expect(skippedDeliveryCredits(state.addOns, ['monthly-box'], period)).toEqual([
      {
        kind: 'proration_credit',
        description: `Delivery skipped: Monthly box (shipped) × 2, ${span}`,
        quantity: 2,
        amountCents: -3_000,
        periodStart: period.start,
        periodEnd: period.end,
        itemName: 'Monthly box (shipped)',
        skippedDelivery: true,
      },
    ]);
  });

  test('nothing skipped: no credit, and the state is left as it is', () => {
    const state = boxed();
    expect(skippedDeliveryCredits(state.addOns, [], renewedPeriod(state))).toEqual([]);
    expect(skippedCreditsAdded(state, [])).toBe(state);
  });

  test('the credits wait with the pending lines for the renewal invoice', () => {
    const state = boxed();
    const credits = skippedDeliveryCredits(state.addOns, ['monthly-box'], renewedPeriod(state));
    expect(skippedCreditsAdded(state, credits).pendingItems).toEqual([...state.pendingItems, ...credits]);
  });
});

describe('a skipped delivery on the renewal invoice', () => {
  /** The boxes skipped for the period the renewal bills, 20% off, at rule version `rules`. */
  const renewing = (rules: number) => {
    const state = update(boxed(), { rules, discount: discountFromCoupon(COUPON_CATALOGUE.find((c) => c.code === 'WELCOME20')!), pendingItems: [] });
    const period = state.currentPeriod;
    return skippedCreditsAdded(state, skippedDeliveryCredits(state.addOns, ['monthly-box'], period));
  };
  const amounts = (built: ReturnType<typeof renewalInvoice>) => built.draft.lines.map((line) => [line.kind, line.amountCents]);

  test('from rule version 2 it is part of the period: the coupon discounts the plan alone, and the period is paid net of the boxes', () => {
    const built = renewalInvoice(renewing(2), FEB_14);
    expect(amounts(built)).toEqual([
      ['subscription', 900],
      ['addon', 3_000],
      ['proration_credit', -3_000],
      ['discount', -180],
    ]);
    expect(built.draft.amountCents).toBe(720);
    expect(built.service).toMatchObject({ grossCents: 900, netCents: 720 });
  });

  test('at rule version 1 (subscriptions started before it) the invoice is as it was: discounted boxes, then the credit', () => {
    const built = renewalInvoice(renewing(1), FEB_14);
    expect(amounts(built)).toEqual([
      ['subscription', 900],
      ['addon', 3_000],
      ['discount', -780],
      ['proration_credit', -3_000],
    ]);
    expect(built.service).toMatchObject({ grossCents: 3_900, netCents: 3_120 });
  });
});
