// Charges through Stripe: one Stripe customer per engine customer, the payment method attached to
// it, and an off-session PaymentIntent per charge under the engine's idempotency key, so a retried
// activity gets Stripe's recorded answer instead of a second charge. Stripe forgets a key after 24
// hours, so the key is also the PaymentIntent's `charge_key` metadata, where a repeated call looks
// first. The client must be built with `maxNetworkRetries: 0`: Temporal retries the activity, under
// the same key.
import Stripe from 'stripe';
import type { ChargeResult, Decline, FinalChargeResult } from '../domain/payments';
import type { PrismaClient } from '../prisma/generated/client';
import type { ChargeCustomer, ChargeRef, ChargeRequest, PaymentGateway, PaymentMethodSetup, RefundRequest, SetupOutcome, SetupRequest, SetupStart } from './payment-gateway';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyKeyReuseError } from './payment-gateway';
import { stripeDecline, type StripeDeclineFields } from './stripe-declines';

const GATEWAY = 'stripe';

/** What a canceled PaymentIntent counts as: it will never be paid, and another attempt may be. */
const CANCELED = { declineCode: 'payment_canceled', declineType: 'soft', message: 'The payment was canceled before it was completed.' } as const;

/**
 * Payment methods that cannot be charged for this customer. Stripe gives no decline code for
 * either (its `resource_missing` says only that some id is unknown), so the engine names them.
 */
const UNUSABLE = {
  missing: { declineCode: 'invalid_payment_method', message: 'This payment method no longer exists. Please add a new payment method.' },
  elsewhere: { declineCode: 'invalid_payment_method', message: 'This payment method is saved to another account and cannot be used here. Please add a new payment method.' },
} as const;

export interface StripeGatewayOptions {
  stripe: Stripe;
  prisma: PrismaClient;
}

export class StripeGateway implements PaymentGateway, PaymentMethodSetup {
  readonly name = GATEWAY;

  private readonly stripe: Stripe;

  private readonly prisma: PrismaClient;

  constructor({ stripe, prisma }: StripeGatewayOptions) {
    this.stripe = stripe;
    this.prisma = prisma;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.repeated) {
      const earlier = await this.chargedUnder(request);
      if (earlier) return resultOf(earlier);
    }
    const customer = await this.stripeCustomer(request.customer);
    try {
      const unusable = await this.attach(request.paymentMethod, customer);
      // Nothing the customer can fix by waiting: dunning asks for another payment method.
      if (unusable) return { outcome: 'declined', chargeId: request.paymentMethod, declineType: 'hard', ...unusable };
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency.toLowerCase(),
          customer,
          payment_method: request.paymentMethod,
          confirm: true,
          off_session: true,
          // Without it Stripe wants a return_url, which an off-session charge has no use for.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          description: `Invoice ${request.invoiceNumber}`,
          metadata: {
            invoice_number: request.invoiceNumber,
            invoice_reference: request.reference,
            subscription_id: request.subscriptionId,
            engine_customer_id: request.customer.id,
            charge_key: request.idempotencyKey,
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return resultOf(intent);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        // Declined by the charge (its PaymentIntent), or by the card check when attaching (no
        // PaymentIntent exists: the decline names the payment method Stripe refused).
        // Stripe's own words (the error's message is prefixed with the request id): they reach the customer.
        return { outcome: 'declined', chargeId: error.payment_intent?.id ?? request.paymentMethod, ...stripeDecline(error.raw as StripeDeclineFields) };
      }
      throw gatewayError(error, `charging ${request.idempotencyKey}`);
    }
  }

  async chargeStatus(ref: ChargeRef): Promise<ChargeResult> {
    return resultOf(await this.retrieve(ref.chargeId));
  }

  async cancelCharge(ref: ChargeRef): Promise<FinalChargeResult> {
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.cancel(ref.chargeId);
    } catch (error) {
      // Already final (it succeeded, or was canceled), or processing: Stripe refuses the cancel, and the intent says where it stands.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state')) {
        throw gatewayError(error, `canceling PaymentIntent ${ref.chargeId}`);
      }
      intent = await this.retrieve(ref.chargeId);
    }
    const result = resultOf(intent);
    if (result.outcome === 'pending') {
      // A payment Stripe is processing (a bank debit) can rarely be canceled, and how it ends is not
      // known until it settles, days later for a debit. The port wants a final answer, so the
      // caller retries until then (README, "Payments with Stripe": a known limit).
      throw new GatewayUnavailableError(`Stripe PaymentIntent ${ref.chargeId} is ${intent.status}: Stripe refused to cancel it, and how it ends is known once it settles`);
    }
    return result;
  }

  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    try {
      const refund = await this.stripe.refunds.create({ payment_intent: request.chargeId, amount: request.amountCents }, { idempotencyKey: request.idempotencyKey });
      return { refundId: refund.id };
    } catch (error) {
      throw gatewayError(error, `refunding ${request.chargeId} under ${request.idempotencyKey}`);
    }
  }

  /**
   * A SetupIntent for the customer's Stripe customer, which Stripe's Payment Element confirms in
   * the customer's browser: on success Stripe attaches the payment method to that customer, ready
   * for the off-session charges of renewals and dunning.
   */
  async startSetup(request: SetupRequest): Promise<SetupStart> {
    const customer = await this.stripeCustomer(request.customer);
    let intent: Stripe.SetupIntent;
    try {
      intent = await this.stripe.setupIntents.create(
        {
          customer,
          usage: 'off_session',
          automatic_payment_methods: { enabled: true },
          metadata: { engine_customer_id: request.customer.id, subscription_id: request.subscriptionId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      throw gatewayError(error, `creating a SetupIntent for ${request.customer.id}`);
    }
    if (!intent.client_secret) throw new GatewayRequestError(`Stripe SetupIntent ${intent.id} came without a client secret`);
    return { id: intent.id, clientSecret: intent.client_secret };
  }

  /**
   * The payment method a SetupIntent saved, as Stripe has it: only one made for this customer's
   * Stripe customer that succeeded. A customer never seen at Stripe has no SetupIntent there.
   */
  async setupOutcome(customer: ChargeCustomer, setupId: string): Promise<SetupOutcome> {
    const known = await this.prisma.gatewayCustomer.findUnique({ where: { gateway_customerId: { gateway: GATEWAY, customerId: customer.id } } });
    if (!known) return { outcome: 'refused', reason: 'not_theirs' };
    let intent: Stripe.SetupIntent;
    try {
      intent = await this.stripe.setupIntents.retrieve(setupId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return { outcome: 'refused', reason: 'unknown' };
      throw gatewayError(error, `reading SetupIntent ${setupId}`);
    }
    if (idOf(intent.customer) !== known.gatewayCustomerId) return { outcome: 'refused', reason: 'not_theirs' };
    const paymentMethod = idOf(intent.payment_method);
    if (intent.status !== 'succeeded' || paymentMethod === null) return { outcome: 'refused', reason: 'not_succeeded' };
    return { outcome: 'saved', paymentMethod };
  }

  /**
   * The PaymentIntent an earlier call under this key made, if Stripe's search finds one. Search lags
   * behind writes (under a minute, longer in an outage), so it may miss an intent made moments ago;
   * but within 24 hours the key still replays that intent, and after 24 hours search has long
   * caught up. An intent for another amount means the key was reused, which Stripe would refuse.
   */
  private async chargedUnder(request: ChargeRequest): Promise<Stripe.PaymentIntent | undefined> {
    let found: Stripe.PaymentIntent | undefined;
    try {
      // Quotes and backslashes inside a quoted search value are escaped with a backslash.
      const key = request.idempotencyKey.replace(/['\\]/g, '\\$&');
      found = (await this.stripe.paymentIntents.search({ query: `metadata['charge_key']:'${key}'` })).data[0];
    } catch (error) {
      throw gatewayError(error, `looking up the PaymentIntent of ${request.idempotencyKey}`);
    }
    if (found && (found.amount !== request.amountCents || found.currency !== request.currency.toLowerCase())) {
      throw new IdempotencyKeyReuseError(`Stripe PaymentIntent ${found.id} was made under ${request.idempotencyKey} for ${found.amount} ${found.currency}`);
    }
    return found;
  }

  private async retrieve(id: string): Promise<Stripe.PaymentIntent> {
    try {
      return await this.stripe.paymentIntents.retrieve(id);
    } catch (error) {
      throw gatewayError(error, `reading PaymentIntent ${id}`);
    }
  }

  /**
   * The engine customer's Stripe customer, created once. The creation's idempotency key is the
   * engine's customer id, so concurrent first charges (two workers) get one Stripe customer, and
   * the row that remembers it is inserted once: the loser of the race reads the winner's.
   */
  private async stripeCustomer(customer: ChargeCustomer): Promise<string> {
    const where = { gateway_customerId: { gateway: GATEWAY, customerId: customer.id } };
    const known = await this.prisma.gatewayCustomer.findUnique({ where });
    if (known) return known.gatewayCustomerId;
    let created: Stripe.Customer;
    try {
      created = await this.stripe.customers.create(
        { email: customer.email, name: customer.name ?? undefined, metadata: { engine_customer_id: customer.id } },
        { idempotencyKey: `customer-${customer.id}` },
      );
    } catch (error) {
      throw gatewayError(error, `creating the Stripe customer of ${customer.id}`);
    }
    await this.prisma.gatewayCustomer.createMany({ data: [{ gateway: GATEWAY, customerId: customer.id, gatewayCustomerId: created.id }], skipDuplicates: true });
    return (await this.prisma.gatewayCustomer.findUniqueOrThrow({ where })).gatewayCustomerId;
  }

  /**
   * Stripe charges a saved payment method only through the customer it is attached to. Attaching
   * it to that customer again changes nothing. One Stripe does not know, or one attached to
   * another customer (somebody else's card), can never be charged for this customer: the answer
   * says why. A card error from attaching (Stripe checks the card) propagates.
   */
  private async attach(paymentMethod: string, customer: string): Promise<Pick<Decline, 'declineCode' | 'message'> | null> {
    let method: Stripe.PaymentMethod;
    try {
      method = await this.stripe.paymentMethods.retrieve(paymentMethod);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return UNUSABLE.missing;
      throw error;
    }
    const owner = idOf(method.customer);
    if (owner === customer) return null;
    if (owner !== null) return UNUSABLE.elsewhere;
    await this.stripe.paymentMethods.attach(paymentMethod, { customer });
    return null;
  }
}

/** The id of a field Stripe answers as an id, or as the object when expanded. */
function idOf(field: string | { id: string } | null): string | null {
  return typeof field === 'string' ? field : (field?.id ?? null);
}

/** A PaymentIntent's status in the engine's words. */
function resultOf(intent: Stripe.PaymentIntent): ChargeResult {
  const chargeId = intent.id;
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'succeeded', chargeId };
    case 'requires_action':
      return { outcome: 'pending', chargeId, reason: 'action_required', actionUrl: intent.next_action?.redirect_to_url?.url ?? null };
    case 'processing':
      return { outcome: 'pending', chargeId, reason: 'processing', actionUrl: null };
    case 'canceled':
      return { outcome: 'declined', chargeId, ...CANCELED };
    case 'requires_payment_method':
      // A confirmation failed (a decline, failed authentication): the intent waits for another payment method.
      return { outcome: 'declined', chargeId, ...stripeDecline((intent.last_payment_error ?? {}) as StripeDeclineFields) };
    default:
      // The engine confirms at creation and captures automatically: nothing else should be seen.
      throw new GatewayRequestError(`Stripe PaymentIntent ${chargeId} is ${intent.status}, which this gateway never creates`);
  }
}

/**
 * Stripe's errors in the port's terms. No answer, a 5xx, a rate limit or a key still in use by a
 * concurrent request may be retried under the same key; an idempotency error never; any other
 * refusal is the request's own fault. Messages carry Stripe's words and request id, never the key.
 */
export function gatewayError(error: unknown, doing: string): Error {
  if (!(error instanceof Stripe.errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  const detail = `Stripe ${error.statusCode ?? 'no answer'} while ${doing}: ${error.message}${error.requestId ? ` (${error.requestId})` : ''}`;
  if (error instanceof Stripe.errors.StripeIdempotencyError) return new IdempotencyKeyReuseError(detail);
  const status = error.statusCode;
  if (error instanceof Stripe.errors.StripeConnectionError || status === undefined || status >= 500 || status === 429 || status === 409 || error instanceof Stripe.errors.StripeRateLimitError) {
    return new GatewayUnavailableError(detail);
  }
  return new GatewayRequestError(detail);
}
