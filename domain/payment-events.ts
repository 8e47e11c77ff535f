// What a payment gateway tells a subscription after the fact, in the engine's words (the webhook
// route translates each gateway's events into these). Facts, so they arrive as a signal; a repeated
// or out-of-order one changes nothing twice, because a charge's outcome is always read back from
// the gateway rather than taken from the event.

export type PaymentEvent =
  /** A charge moved (succeeded, failed, needs the customer, canceled): the workflow asks the gateway where it stands. */
  | { kind: 'charge_updated'; eventId: string; chargeId: string }
  /**
   * Money went back on a charge, by the engine or in the gateway's dashboard: `refundedCents` is
   * all the charge's refunds so far (events may come late, twice, or out of order: a running total
   * is right however they come), `refundId` the latest refund's id when the gateway says it.
   */
  | { kind: 'refunded'; eventId: string; chargeId: string; refundId: string | null; refundedCents: number; currency: string; at: string }
  /** The customer's bank opened a chargeback on a charge. */
  | { kind: 'disputed'; eventId: string; chargeId: string; disputeId: string; amountCents: number; currency: string; reason: string; status: string; at: string }
  /** The payment method was removed from the customer at the gateway: the next charge cannot use it. */
  | { kind: 'payment_method_detached'; eventId: string; paymentMethod: string }
  /** A card expires at the end of the given month. */
  | { kind: 'card_expiring'; eventId: string; paymentMethod: string; brand: string | null; last4: string | null; expMonth: number; expYear: number };

export type PaymentEventKind = PaymentEvent['kind'];

/** The first instant after a card's expiry month (cards work to the end of that month, UTC). */
export function cardExpiresAt(expYear: number, expMonth: number): string {
  return new Date(Date.UTC(expYear, expMonth, 1)).toISOString();
}
