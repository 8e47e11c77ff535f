// The payment gateway the configuration names: the sandbox unless PAYMENT_GATEWAY=stripe.
import Stripe from 'stripe';
import type { AppConfig } from '../infra/config';
import type { PrismaClient } from '../prisma/generated/client';
import type { PaymentGateway, PaymentMethodSetup } from './payment-gateway';
import { SandboxGateway, type SandboxGatewayOptions } from './sandbox-gateway';
import { StripeGateway } from './stripe-gateway';

export type GatewayConfig = Pick<AppConfig, 'PAYMENT_GATEWAY' | 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE' | 'PUBLIC_URL'>;

/** What the portal's hosted payment element needs: the Stripe gateway and its publishable key. */
export interface HostedElement {
  publishableKey: string;
  setup: PaymentMethodSetup;
}

/**
 * One Stripe request may wait this long. A charge makes up to four requests (customer, payment
 * method, attach, PaymentIntent); a timed-out one fails the activity, which Temporal retries
 * under the same idempotency key.
 */
export const STRIPE_TIMEOUT_MS = 10_000;

export function createGateway(config: GatewayConfig, prisma: PrismaClient, options: Pick<SandboxGatewayOptions, 'sleep'> = {}): PaymentGateway {
  if (config.PAYMENT_GATEWAY === 'sandbox') return new SandboxGateway(prisma, { ...options, publicUrl: config.PUBLIC_URL });
  if (!config.STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is required when PAYMENT_GATEWAY=stripe');
  return new StripeGateway({ stripe: stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE), prisma });
}

/**
 * Stripe's Payment Element for the portal's payment-method form, when the Stripe gateway has a
 * publishable key (STRIPE_PUBLISHABLE_KEY); otherwise none, and the portal keeps its token field.
 */
export function createHostedElement(config: GatewayConfig & Pick<AppConfig, 'STRIPE_PUBLISHABLE_KEY'>, prisma: PrismaClient): HostedElement | undefined {
  if (config.PAYMENT_GATEWAY !== 'stripe' || !config.STRIPE_SECRET_KEY || !config.STRIPE_PUBLISHABLE_KEY) return undefined;
  return { publishableKey: config.STRIPE_PUBLISHABLE_KEY, setup: new StripeGateway({ stripe: stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE), prisma }) };
}

/**
 * The Stripe client, pointed at STRIPE_API_BASE when set. No retries of its own: Temporal retries
 * the activity. (stripe-node still resends once, under the same idempotency key, a request whose
 * connection closed; a key replays, so that charges nothing twice.)
 */
export function stripeClient(secretKey: string, apiBase?: string): Stripe {
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 0,
    timeout: STRIPE_TIMEOUT_MS,
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol === 'https:' ? 'https' : 'http' } : {}),
  });
}

/** `test` or `live`, from the key's prefix: worth a line in the worker's startup log, the key is not. */
export function stripeMode(secretKey: string): 'test' | 'live' {
  return /^(sk|rk)_live_/.test(secretKey) ? 'live' : 'test';
}
