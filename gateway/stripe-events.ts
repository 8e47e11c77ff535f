// Stripe's webhook events in the engine's words (domain/payment-events.ts). Pure: no network, no
// database, so every fixture in test/fixtures/stripe/events is checked on its own. Which
// subscriptions an event concerns is decided by the API (api/services/payment-event-routing.ts)
// from the hints returned here.
import type Stripe from 'stripe';
import type { PaymentEvent } from '../domain/payment-events';

/** The gateway's name on its payment attempts, customers and events. */
export const STRIPE_GATEWAY = 'stripe';

export interface StripeTranslation {
  event: PaymentEvent;
  /**
   * A PaymentIntent's `metadata.subscription_id`: the subscription a charge belongs to even
   * before its payment attempt (with the PaymentIntent's id) has been recorded.
   */
  subscriptionId?: string;
  /** The Stripe customer (`cus_…`) whose card expires. */
  customer?: string;
}

type Ref = string | { id: string } | null | undefined;

const idOf = (ref: Ref): string | undefined => (typeof ref === 'string' ? ref : ref?.id);
const isoOf = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

/** What the engine does with a Stripe event; null for the types it does not act on. */
export function translateStripeEvent(event: Stripe.Event): StripeTranslation | null {
  const eventId = event.id;
  switch (event.type) {
    // Whatever the event says, the workflow asks Stripe where the charge stands: a late or
    // repeated event cannot move it backwards.
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.requires_action':
    case 'payment_intent.processing':
    case 'payment_intent.canceled': {
      const intent = event.data.object;
      const subscriptionId = intent.metadata?.subscription_id;
      return { event: { kind: 'charge_updated', eventId, chargeId: intent.id }, ...(subscriptionId ? { subscriptionId } : {}) };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      // `amount_refunded` is the charge's running total, whatever the API version; `refunds` (the
      // latest refund first) is there only in versions before 2022-11-15.
      const latest = charge.refunds?.data[0];
      return {
        event: {
          kind: 'refunded',
          eventId,
          chargeId: idOf(charge.payment_intent) ?? charge.id,
          refundId: latest?.id ?? null,
          refundedCents: charge.amount_refunded,
          currency: charge.currency.toUpperCase(),
          at: isoOf(event.created),
        },
      };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      return {
        event: {
          kind: 'disputed',
          eventId,
          chargeId: idOf(dispute.payment_intent) ?? idOf(dispute.charge)!,
          disputeId: dispute.id,
          amountCents: dispute.amount,
          currency: dispute.currency.toUpperCase(),
          reason: dispute.reason,
          status: dispute.status,
          at: isoOf(event.created),
        },
      };
    }
    case 'payment_method.detached':
      return { event: { kind: 'payment_method_detached', eventId, paymentMethod: event.data.object.id } };
    case 'customer.source.expiring': {
      const source = event.data.object;
      // Sent for cards and for the legacy Sources API; only a card can pay a subscription here.
      if (source.object !== 'card') return null;
      const customer = idOf(source.customer);
      return {
        event: { kind: 'card_expiring', eventId, paymentMethod: source.id, brand: source.brand ?? null, last4: source.last4 ?? null, expMonth: source.exp_month, expYear: source.exp_year },
        ...(customer ? { customer } : {}),
      };
    }
    default:
      return null;
  }
}
