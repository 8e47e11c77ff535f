// Stripe's event payloads from test/fixtures/stripe/events, and requests signed the way Stripe
// signs them (its own package's scheme).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';

const DIRECTORY = path.join(__dirname, '..', 'fixtures', 'stripe', 'events');

/** Every fixture, by file name without `.json`. */
export const STRIPE_FIXTURES: readonly string[] = readdirSync(DIRECTORY)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

/** A fresh copy: a test may change it. */
export function stripeFixture(name: string): Stripe.Event {
  return JSON.parse(readFileSync(path.join(DIRECTORY, `${name}.json`), 'utf8')) as Stripe.Event;
}

/** The `Stripe-Signature` header Stripe would send with `payload`, signed at `timestampSeconds`. */
export function stripeSignature(payload: string, secret: string, timestampSeconds: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}
