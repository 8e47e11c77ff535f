// Which subscriptions a payment gateway's event concerns, read from the database: a charge's from
// the payment attempt that made it, a payment method's from the subscriptions paying with it, an
// expiring card's from its customer.
import { STRIPE_GATEWAY, type StripeTranslation } from '../../gateway/stripe-events';
import type { PrismaClient } from '../../prisma/generated/client';

/** Ended subscriptions are not told: their workflows no longer run. */
const LIVE = { status: { notIn: ['canceled' as const, 'incomplete_expired' as const] } };

/** The subscriptions whose invoices a gateway's charge was attempted on. */
export async function subscriptionsOfCharge(prisma: PrismaClient, gateway: string, chargeId: string): Promise<string[]> {
  const attempts = await prisma.paymentAttempt.findMany({
    where: { gateway, gatewayChargeId: chargeId },
    select: { invoice: { select: { subscriptionId: true } } },
  });
  return attempts.map((attempt) => attempt.invoice.subscriptionId);
}

async function byCharge(prisma: PrismaClient, chargeId: string, fallback: string | undefined): Promise<string[]> {
  const attempted = await subscriptionsOfCharge(prisma, STRIPE_GATEWAY, chargeId);
  if (attempted.length > 0) return attempted;
  // The event can overtake the activity that records the attempt: the PaymentIntent then names
  // its subscription itself.
  if (fallback === undefined) return [];
  const named = await prisma.subscription.findUnique({ where: { id: fallback }, select: { id: true } });
  return named ? [named.id] : [];
}

async function byCustomer(prisma: PrismaClient, gatewayCustomerId: string | undefined): Promise<string[]> {
  if (gatewayCustomerId === undefined) return [];
  const mapped = await prisma.gatewayCustomer.findUnique({
    where: { gateway_gatewayCustomerId: { gateway: STRIPE_GATEWAY, gatewayCustomerId } },
    select: { customerId: true },
  });
  if (!mapped) return [];
  const subscriptions = await prisma.subscription.findMany({ where: { customerId: mapped.customerId, ...LIVE }, select: { id: true } });
  return subscriptions.map(({ id }) => id);
}

/** The ids of the subscriptions to signal, each once, in a stable order. */
export async function subscriptionsConcerned(prisma: PrismaClient, translation: StripeTranslation): Promise<string[]> {
  const { event } = translation;
  let ids: string[];
  switch (event.kind) {
    case 'charge_updated':
    case 'refunded':
    case 'disputed':
      ids = await byCharge(prisma, event.chargeId, translation.subscriptionId);
      break;
    case 'payment_method_detached':
      ids = (await prisma.subscription.findMany({ where: { paymentMethod: event.paymentMethod, ...LIVE }, select: { id: true } })).map(({ id }) => id);
      break;
    case 'card_expiring':
      ids = await byCustomer(prisma, translation.customer);
      break;
  }
  return [...new Set(ids)].sort();
}
