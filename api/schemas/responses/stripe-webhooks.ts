// The answers of POST /webhooks/stripe (api/services/stripe-webhooks.ts). Stripe only reads the
// status; the body says what became of the event, for its dashboard's delivery log and for ops.
import { z } from 'zod';

const received = z.literal(true).describe('The event is recorded: Stripe need not send it again');

export const stripeWebhookAnswer = z.union([
  z.strictObject({ received, matched: z.number().int().min(0).describe('Subscriptions the event was sent to; 0 when it concerns none') }),
  z.strictObject({ received, duplicate: z.literal(true).describe('The event was processed before: nothing was done again') }),
  z.strictObject({ received, ignored: z.literal(true).describe('A type the engine does not act on') }),
]);

export type StripeWebhookAnswer = z.infer<typeof stripeWebhookAnswer>;
