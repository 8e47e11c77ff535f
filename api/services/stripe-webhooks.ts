// A verified Stripe event, processed at least once and answered "done" only once it is: the event
// is recorded before anything else, so a repeated delivery of a processed event does nothing, and
// one whose first delivery failed half-way (Temporal down) is processed again when Stripe retries.
// Two deliveries racing can both signal: every event means the same the second time (a charge is
// read back from the gateway, refunds are running totals, emails have keys).
import type Stripe from 'stripe';
import { STRIPE_GATEWAY, translateStripeEvent } from '../../gateway/stripe-events';
import type { Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import type { StripeWebhookAnswer } from '../schemas/responses/stripe-webhooks';
import { subscriptionsConcerned } from './payment-event-routing';
import { deliverPaymentEvent } from './payment-events';

/** Records the event; true when it was processed before. */
async function seenBefore(deps: ApiDeps, event: Stripe.Event, key: { gateway: string; eventId: string }): Promise<boolean> {
  const { count } = await deps.prisma.gatewayEvent.createMany({
    data: [
      {
        ...key,
        type: event.type,
        createdAt: new Date(event.created * 1000),
        receivedAt: await deps.clock(),
        subscriptionIds: [],
        payload: event as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  if (count === 1) return false;
  const recorded = await deps.prisma.gatewayEvent.findUnique({ where: { gateway_eventId: key }, select: { processedAt: true } });
  return recorded?.processedAt != null;
}

export async function receiveStripeEvent(deps: ApiDeps, event: Stripe.Event): Promise<StripeWebhookAnswer> {
  const key = { gateway: STRIPE_GATEWAY, eventId: event.id };
  if (await seenBefore(deps, event, key)) return { received: true, duplicate: true };
  const translation = translateStripeEvent(event);
  const told = translation ? await deliverPaymentEvent(deps, await subscriptionsConcerned(deps.prisma, translation), translation.event) : [];
  await deps.prisma.gatewayEvent.update({ where: { gateway_eventId: key }, data: { processedAt: await deps.clock(), subscriptionIds: told } });
  return translation ? { received: true, matched: told.length } : { received: true, ignored: true };
}
