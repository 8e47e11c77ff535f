// POST /webhooks/stripe: the events Stripe sends. Mounted ahead of the JSON body parser and of
// authentication (api/app.ts): the signature covers the exact bytes Stripe sent, and it is what
// authenticates the request. A refused signature writes nothing.
import express, { Router, type RequestHandler } from 'express';
import type Stripe from 'stripe';
import { allowHeader, methodNotAllowed } from '../allowed-methods';
import type { ApiDeps } from '../deps';
import { invalid, notFound, ProblemError } from '../problem';
import { STRIPE_WEBHOOK_BODY_LIMIT, stripeEvent } from '../schemas/stripe-webhooks';
import { receiveStripeEvent } from '../services/stripe-webhooks';

/**
 * Stripe's signature check, loaded with the first event: an API on the sandbox gateway never needs
 * the SDK's 220 modules. Required, as the gateway imports it, so both share one copy.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stripeWebhooks = () => (require('stripe') as typeof Stripe).webhooks;

const badSignature = (detail: string) => new ProblemError(400, 'invalid-signature', detail, { title: 'The signature is not valid' });

/**
 * Why the signature was refused, in words of our own: Stripe's messages can quote the length and
 * last characters of the secret, and the header that triggers them is the sender's to choose.
 */
function refusal(error: unknown, toleranceSeconds: number): ProblemError {
  // Parsed only once the signature matched: Stripe signed something that is not JSON.
  if (error instanceof SyntaxError) return invalid([{ field: '(body)', message: 'body is not JSON' }]);
  if (error instanceof Error && error.message === 'Timestamp outside the tolerance zone') {
    return badSignature(`the signature is more than ${toleranceSeconds} seconds old`);
  }
  return badSignature('the Stripe-Signature header does not match the body and the signing secret');
}

export function stripeWebhooksRouter(deps: ApiDeps): Router {
  const router = Router();
  // Before the body is read: with the sandbox gateway there is nothing to verify against. A
  // request without the signature, its credential, is refused as such whatever the configuration.
  const configured: RequestHandler = (req, _res, next) => {
    if (!req.get('stripe-signature')) throw badSignature('no Stripe-Signature header');
    if (!deps.stripeWebhook) throw notFound('Stripe webhooks are not configured');
    next();
  };

  router.post('/', configured, express.raw({ type: '*/*', limit: STRIPE_WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const { secret, toleranceSeconds = stripeWebhooks().DEFAULT_TOLERANCE } = deps.stripeWebhook!;
    const header = req.get('stripe-signature')!;
    const body: unknown = req.body;
    const payload = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    let event: Stripe.Event;
    try {
      // The clock the rest of the API uses: the test server's in time-skipping tests.
      event = stripeWebhooks().constructEvent(payload, header, secret, toleranceSeconds, undefined, (await deps.clock()).getTime());
    } catch (error) {
      const problem = refusal(error, toleranceSeconds);
      req.log.warn({ event: 'stripe.webhook_refused', reason: problem.message }, 'Stripe webhook refused');
      throw problem;
    }
    stripeEvent.parse(event);
    res.json(await receiveStripeEvent(deps, event));
  });
  // The path is Stripe's alone: another method must not reach GET /webhooks/:id with id "stripe".
  router.all('/', (req, res) => {
    const allow = allowHeader(['post']);
    if (req.method !== 'OPTIONS') throw methodNotAllowed(req, res, allow);
    res.set('Allow', allow).status(204).end();
  });
  return router;
}
