// Stripe's side of the charges in the Stripe scenario (7): every PaymentIntent the test-mode
// stand-in created, read back through Stripe's API as a reconciliation against the dashboard
// would, and its succeeded ones as the ledger checkBilling counts charges from.
import type Stripe from 'stripe';
import { stripeClient } from '../../../gateway';
import type { StripeStandIn } from '../../../test/support/stripe-stand-in';
import { eachLimited } from '../../support/api';
import type { Ledger } from './checks';

/** Every PaymentIntent Stripe created (a replayed request creates none), as Stripe answers for it now. */
export async function createdPaymentIntents(standIn: StripeStandIn, secretKey: string): Promise<Stripe.PaymentIntent[]> {
  const creations = standIn.requests.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents');
  // Keyless creations are kept under '' (a gateway that sent none would still be counted).
  const keys = new Set(creations.map((request) => request.idempotencyKey ?? ''));
  const ids = [...keys].flatMap((key) => standIn.chargesUnder(key));
  const stripe = stripeClient(secretKey, standIn.url);
  const intents: Stripe.PaymentIntent[] = [];
  await eachLimited(ids, 8, async (id) => {
    intents.push(await stripe.paymentIntents.retrieve(id));
  });
  return intents;
}

/** Succeeded PaymentIntents, each a charge of the invoice its metadata names. */
export function stripeLedger(intents: readonly Stripe.PaymentIntent[]): Ledger {
  return async (prefixes) =>
    intents.flatMap((intent) => {
      const reference = intent.metadata.invoice_reference;
      if (intent.status !== 'succeeded' || !reference || !prefixes.some((prefix) => reference.startsWith(prefix))) return [];
      return [{ chargeId: intent.id, reference, amountCents: intent.amount_received }];
    });
}
