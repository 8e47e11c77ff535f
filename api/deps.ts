import type { Client } from '@temporalio/client';
import type { SubscriptionPolicy } from '../domain/subscription';
import type { LinkSigning } from '../infra/links';
import type { TrustProxy } from '../infra/trust-proxy';
import type { WebhookTargetPolicy } from '../infra/webhook-target';
import type { HostedElement } from '../gateway';
import type { SandboxGateway } from '../gateway/sandbox-gateway';
import type { PrismaClient } from '../prisma/generated/client';
import type { PortalOptions } from '../portal/app';
import type { ReadCache } from './read-cache';
import type { SignUpStarts } from './services/sign-up-starts';
import type { Throttles } from './throttles';

/** Verifies the events Stripe sends to POST /webhooks/stripe. */
export interface StripeWebhookSettings {
  /** The endpoint's signing secret (`whsec_…`, STRIPE_WEBHOOK_SECRET). */
  secret: string;
  /** How old a signature may be, against replays; Stripe's default of 300 s when omitted. */
  toleranceSeconds?: number;
}

/** Long-lived dependencies shared by all requests (one Temporal connection, one DB pool). */
export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Starts the workflows of asynchronous sign-ups from their outbox (api/services/sign-up-starts.ts). */
  signUpStarts: SignUpStarts;
  /** Lifecycle policy for new subscriptions (dunning schedule, trial reminder, first-payment window). */
  policy: SubscriptionPolicy;
  /** "Now" for previews; the Temporal server's clock in time-skipping tests. */
  clock: () => Promise<Date>;
  /** Verifies the signed tokens of customer links. */
  links: LinkSigning;
  /** How long a read (workflow query) may take before the API answers 503; default 10 s. */
  queryTimeoutMs?: number;
  /** How long a command (an update, a sign-up's opening) may take before the API answers 503; 60 s when omitted. */
  commandTimeoutMs?: number;
  /** Reports errors that became 5xx answers. */
  onUnexpectedError?: (error: unknown) => void;
  /**
   * Per-address, per-key and failed-authentication limits (api/throttles.ts); none when omitted,
   * as in the test harness and the simulator, which drive the API in process.
   */
  throttles?: Throttles;
  /** Express `trust proxy` (TRUST_PROXY): false, the default, ignores X-Forwarded-For. */
  trustProxy?: TrustProxy;
  /** Which webhook URLs may be registered; production's rules (https, no internal host) when omitted. */
  webhookTargets?: WebhookTargetPolicy;
  /** The sandbox gateway, when it is the configured one: its authentication page and settle callback are served. */
  sandbox?: SandboxGateway;
  /** Stripe's webhooks; without it (the sandbox gateway) POST /webhooks/stripe answers 404. */
  stripeWebhook?: StripeWebhookSettings;
  /** Stripe's Payment Element for the portal's payment-method form; the token field when omitted. */
  hostedElement?: HostedElement;
  /**
   * API keys and catalogue rows kept in memory, emptied on every change PostgreSQL announces
   * (api/read-cache.ts); every request reads the database when omitted, as in most tests.
   */
  readCache?: ReadCache;
  /** The customer portal's branding and sign-in limits; the defaults, counted in memory, when omitted. */
  portal?: PortalOptions;
}
