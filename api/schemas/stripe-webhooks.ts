// What POST /webhooks/stripe requires of a verified body: a Stripe Event object. Loose, because
// the event is Stripe's (fields come and go with API versions); only what the engine reads is
// named, so a signed body that is not an event is refused rather than half-processed.
import { z } from 'zod';

/** Events carry whole Stripe objects: more room than the API's own 100 kB bodies. */
export const STRIPE_WEBHOOK_BODY_LIMIT = '1mb';

export const stripeEvent = z.looseObject({
  id: z.string().regex(/^evt_\w+$/, 'must be a Stripe event id such as evt_1NG8Du2eZvKYlo2CUI79vXWy'),
  object: z.literal('event'),
  type: z.string().min(1).max(100).describe('e.g. `payment_intent.succeeded`; types the engine does not act on are recorded and ignored'),
  created: z.number().int().min(0).describe('When Stripe created the event, in seconds since the Unix epoch'),
  api_version: z.string().nullable().optional().describe('The Stripe API version `data.object` is rendered in'),
  livemode: z.boolean(),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().optional(), object: z.string() }).describe('The Stripe object the event is about (a PaymentIntent, Charge, Dispute, PaymentMethod or Card)'),
  }),
});
