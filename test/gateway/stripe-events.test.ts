// The translation of every Stripe event fixture into the engine's payment events.
import type Stripe from 'stripe';
import { translateStripeEvent, type StripeTranslation } from '../../gateway/stripe-events';
import { STRIPE_FIXTURES, stripeFixture } from '../support/stripe-events';

const PI = 'pi_3QkZy8LkdIwHu7ix1a2b3c4d';
const chargeUpdated = (eventId: string): StripeTranslation => ({ event: { kind: 'charge_updated', eventId, chargeId: PI }, subscriptionId: 'sub_stripe_1' });

const EXPECTED: Record<string, StripeTranslation | null> = {
  'payment_intent.created': null,
  'payment_intent.succeeded': chargeUpdated('evt_3QkZy8LkdIwHu7ix0SuCc3sS'),
  'payment_intent.payment_failed': chargeUpdated('evt_3QkZy8LkdIwHu7ix0FaI1eD0'),
  'payment_intent.requires_action': chargeUpdated('evt_3QkZy8LkdIwHu7ix0ReQa3cT'),
  'payment_intent.processing': chargeUpdated('evt_3QkZy8LkdIwHu7ix0PrOc3sS'),
  'payment_intent.canceled': chargeUpdated('evt_3QkZy8LkdIwHu7ix0CaNc3lD'),
  // The charge's refunded total; no refunds list (so no refund id) in current API versions.
  'charge.refunded': {
    event: { kind: 'refunded', eventId: 'evt_3QkZy8LkdIwHu7ix0ReFuNd1', chargeId: PI, refundId: null, refundedCents: 2900, currency: 'EUR', at: '2026-12-03T14:20:00.000Z' },
  },
  'charge.refunded.2022-08-01': {
    event: { kind: 'refunded', eventId: 'evt_3QkZy8LkdIwHu7ix0ReFuNd2', chargeId: PI, refundId: 're_3QkZy8LkdIwHu7ix1sT2uV3w', refundedCents: 1000, currency: 'EUR', at: '2026-12-03T14:20:00.000Z' },
  },
  'charge.dispute.created': {
    event: {
      kind: 'disputed',
      eventId: 'evt_1QkZzALkdIwHu7ix0DiSpU7e',
      chargeId: PI,
      disputeId: 'du_1QkZzALkdIwHu7ixK0l9m8n7',
      amountCents: 2900,
      currency: 'EUR',
      reason: 'fraudulent',
      status: 'needs_response',
      at: '2026-12-10T08:15:00.000Z',
    },
  },
  'payment_method.detached': { event: { kind: 'payment_method_detached', eventId: 'evt_1QkZxuLkdIwHu7ix0DeTaCh1', paymentMethod: 'pm_1QkZxuLkdIwHu7ixV9s8r7q6' } },
  'customer.source.expiring': {
    event: { kind: 'card_expiring', eventId: 'evt_1QkZvPLkdIwHu7ix0ExPiR3s', paymentMethod: 'card_1QkZvPLkdIwHu7ixAbCdEfGh', brand: 'Visa', last4: '4242', expMonth: 12, expYear: 2026 },
    customer: 'cus_RdT4nq0sYwKx2M',
  },
};

test('every fixture has an expected translation, and every expectation a fixture', () => {
  expect([...STRIPE_FIXTURES].sort()).toEqual(Object.keys(EXPECTED).sort());
});

test.each(STRIPE_FIXTURES)('%s', (name) => {
  const event = stripeFixture(name);
  expect(event).toMatchObject({ object: 'event', livemode: false });
  expect(translateStripeEvent(event)).toEqual(EXPECTED[name]);
});

/** The fixture with its `data.object` changed. */
function changed(name: string, change: (object: Record<string, unknown>) => void): Stripe.Event {
  const event = stripeFixture(name);
  change(event.data.object as unknown as Record<string, unknown>);
  return event;
}

describe('objects without the usual links', () => {
  test('a PaymentIntent without metadata names no subscription', () => {
    const translation = translateStripeEvent(changed('payment_intent.succeeded', (intent) => (intent.metadata = {})));
    expect(translation).toEqual({ event: { kind: 'charge_updated', eventId: 'evt_3QkZy8LkdIwHu7ix0SuCc3sS', chargeId: PI } });
  });

  test('a refund or dispute of a charge made without a PaymentIntent names the charge', () => {
    const refunded = translateStripeEvent(changed('charge.refunded', (charge) => (charge.payment_intent = null)));
    const disputed = translateStripeEvent(changed('charge.dispute.created', (dispute) => (dispute.payment_intent = null)));
    expect([refunded?.event, disputed?.event]).toEqual([
      expect.objectContaining({ kind: 'refunded', chargeId: 'ch_3QkZy8LkdIwHu7ix1e5f6g7h' }),
      expect.objectContaining({ kind: 'disputed', chargeId: 'ch_3QkZy8LkdIwHu7ix1e5f6g7h' }),
    ]);
  });

  test('an expanded PaymentIntent on a charge is named by its id', () => {
    const refunded = translateStripeEvent(changed('charge.refunded', (charge) => (charge.payment_intent = { id: PI, object: 'payment_intent' })));
    expect(refunded?.event).toMatchObject({ chargeId: PI });
  });

  test('an expiring legacy Source (not a card) is ignored', () => {
    expect(translateStripeEvent(changed('customer.source.expiring', (source) => (source.object = 'source')))).toBeNull();
  });
});
