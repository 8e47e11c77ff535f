// Charges through Stripe: one Stripe customer per engine customer, the payment method attached to
// it, and an off-session PaymentIntent per charge under the engine's idempotency key, so a retried
// activity gets Stripe's recorded answer instead of a second charge. The client must be built with
// `maxNetworkRetries: 0`: Temporal retries the activity, under the same key.
import Stripe from 'stripe';
import type { ChargeResult, FinalChargeResult } from '../domain/payments';
import type { PrismaClient } from '../prisma/generated/client';
import type { ChargeCustomer, ChargeRef, ChargeRequest, PaymentGateway, RefundRequest } from './payment-gateway';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyKeyReuseError } from './payment-gateway';
import { stripeDecline, type StripeDeclineFields } from './stripe-declines';

const GATEWAY = 'stripe';

/** What a canceled PaymentIntent counts as: it will never be paid, and another attempt may be. */
const CANCELED = { declineCode: 'payment_canceled', declineType: 'soft', message: 'The payment was canceled before it was completed.' } as const;

export interface StripeGatewayOptions {
  stripe: Stripe;
  prisma: PrismaClient;
}

export class StripeGateway implements PaymentGateway {
  readonly name = GATEWAY;

  private readonly stripe: Stripe;

  private readonly prisma: PrismaClient;

  constructor({ stripe, prisma }: StripeGatewayOptions) {
    this.stripe = stripe;
    this.prisma = prisma;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const customer = await this.stripeCustomer(request.customer);
    try {
      await this.attach(request.paymentMethod, customer);
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
      // Already final (it succeeded, or was canceled): Stripe refuses the cancel, and the intent says how it ended.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state')) {
        throw gatewayError(error, `canceling ${ref.chargeId}`);
      }
      intent = await this.retrieve(ref.chargeId);
    }
    const result = resultOf(intent);
    if (result.outcome === 'pending') {
      // A bank debit Stripe is processing cannot be stopped: ask again once it has settled.
      throw new GatewayUnavailableError(`Stripe PaymentIntent ${ref.chargeId} is ${intent.status} and cannot be canceled now`);
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

  private async retrieve(id: string): Promise<Stripe.PaymentIntent> {
    try {
      return await this.stripe.paymentIntents.retrieve(id);
    } catch (error) {
      throw gatewayError(error, `reading ${id}`);
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
   * it to that customer again changes nothing; one attached to another customer is somebody
   * else's card, and is refused. A card error from attaching (Stripe checks the card) propagates.
   */
  private async attach(paymentMethod: string, customer: string): Promise<void> {
    const method = await this.stripe.paymentMethods.retrieve(paymentMethod);
    const owner = typeof method.customer === 'string' ? method.customer : (method.customer?.id ?? null);
    if (owner === customer) return;
    if (owner !== null) throw new GatewayRequestError(`payment method ${paymentMethod} belongs to another Stripe customer than ${customer}`);
    await this.stripe.paymentMethods.attach(paymentMethod, { customer });
  }
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
