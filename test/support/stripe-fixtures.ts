// The recorded Stripe response bodies the stand-in answers with (test/fixtures/stripe/responses,
// see its README), ids shaped like Stripe's, and Stripe's form encoding read back into objects.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type StripeObject = Record<string, unknown>;

export type FixtureName =
  | 'customer'
  | 'payment_method.card'
  | 'payment_intent.succeeded'
  | 'payment_intent.requires_action'
  | 'payment_intent.processing'
  | 'payment_intent.requires_payment_method'
  | 'payment_intent.canceled'
  | 'refund'
  | 'setup_intent.requires_payment_method'
  | 'setup_intent.succeeded'
  | 'error.card_error'
  | 'error.idempotency_error'
  | 'error.idempotency_key_in_use'
  | 'error.payment_intent_unexpected_state'
  | 'error.payment_method_attached_elsewhere'
  | 'error.resource_missing'
  | 'error.return_url_required';

const DIR = path.resolve(__dirname, '../fixtures/stripe/responses');
const loaded = new Map<FixtureName, StripeObject>();

/** A fresh copy of a recorded body, for the caller to fill in. */
export function fixture(name: FixtureName): StripeObject {
  let body = loaded.get(name);
  if (!body) {
    body = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as StripeObject;
    loaded.set(name, body);
  }
  return structuredClone(body);
}

/** An error fixture's `error` object, to fill in. */
export function errorFixture(name: FixtureName): StripeObject {
  return fixture(name).error as StripeObject;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `pi_3…`, `cus_…`: Stripe's prefix and random alphanumerics. */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  return prefix + Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** `metadata[invoice_number]=1&amount=2900` → `{ metadata: { invoice_number: '1' }, amount: '2900' }`. */
export function decodeForm(body: string): StripeObject {
  const decoded: StripeObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const [head = key, ...rest] = key.split('[').map((part) => part.replace(/]$/, ''));
    let target = decoded;
    for (const name of [head, ...rest].slice(0, -1)) {
      const next = target[name];
      target = next !== null && typeof next === 'object' ? (next as StripeObject) : ((target[name] = {}) as StripeObject);
    }
    target[[head, ...rest].at(-1)!] = value;
  }
  return decoded;
}
