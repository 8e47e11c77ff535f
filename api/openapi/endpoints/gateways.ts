// Events payment gateways send to the engine (api/routes/stripe-webhooks.ts).
import { stripeWebhookAnswer } from '../../schemas/responses/stripe-webhooks';
import { STRIPE_WEBHOOK_BODY_LIMIT, stripeEvent } from '../../schemas/stripe-webhooks';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

export const gatewayEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/webhooks/stripe',
    operationId: 'receiveStripeEvent',
    tag: 'gateways',
    summary: 'Receive a Stripe event',
    description: [
      'Set this URL as a webhook endpoint in the Stripe dashboard, and its signing secret as `STRIPE_WEBHOOK_SECRET`. The body is a Stripe Event object, verified against the `Stripe-Signature` header; each event is acted on once, by its `id`.',
      'Acted on: `payment_intent.succeeded`, `.payment_failed`, `.requires_action`, `.processing` and `.canceled` (the subscription that made the charge reads its outcome from Stripe), `charge.refunded`, `charge.dispute.created`, `payment_method.detached` (every live subscription paying with it) and `customer.source.expiring` (the live subscriptions of the card\'s customer). Other types are recorded and ignored.',
      'Any answer but 2xx makes Stripe send the event again later: a 503 (Temporal or the database down) is processed on that retry.',
    ].join('\n\n'),
    inbound: {
      signatureHeader: {
        name: 'Stripe-Signature',
        description: "Stripe's HMAC-SHA256 signature of the raw body with the endpoint's signing secret (`t=<unix time>,v1=<hex>`); refused when more than 300 seconds old",
        example: 't=1796115603,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
      },
      body: stripeEvent,
      example: {
        id: 'evt_3QkZy8LkdIwHu7ix0Sx1a2B3',
        object: 'event',
        api_version: '2026-11-18.endive',
        created: 1796115602,
        data: { object: { id: 'pi_3QkZy8LkdIwHu7ix1a2b3c4d', object: 'payment_intent', amount: 2900, currency: 'eur', status: 'succeeded', metadata: { subscription_id: 'sub_ada' } } },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: 'INV-sub_ada-0001/1' },
        type: 'payment_intent.succeeded',
      },
      limit: STRIPE_WEBHOOK_BODY_LIMIT,
    },
    answers: [ok(stripeWebhookAnswer, 'Recorded: sent to `matched` subscriptions, or seen before (`duplicate`), or a type the engine does not act on (`ignored`)')],
    errors: {
      400: 'The `Stripe-Signature` header is missing, does not match the body and the signing secret, or is more than 300 seconds old; or the signed body is not a Stripe event. Nothing is recorded',
      404: 'Stripe webhooks are not configured: `STRIPE_WEBHOOK_SECRET` is not set (the sandbox gateway)',
    },
  },
];
