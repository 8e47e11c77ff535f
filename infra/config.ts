// Process configuration, parsed once at startup. Bad values stop the process with a message
// naming the variable.
import { z } from 'zod';
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits, type ThrottleLimits } from '../api/throttles';
import { contrastWithWhite, DEFAULT_ACCENT_COLOR, MIN_CONTRAST, type PortalBranding } from '../portal/branding';
import type { SubscriptionPolicy } from '../domain/subscription';
import type { SellerProfile } from '../domain/tax/types';
import { LOG_LEVELS } from './logger';
import { loadSeller, sellerTaxSetup } from './seller';
import type { LinkSigning } from './links';
import { DEVELOPMENT_LINK_SECRET, unsafeSecretReason } from './secrets';
import { trustProxySetting } from './trust-proxy';
import type { WebhookTargetPolicy } from './webhook-target';

/** docker-compose passes an unset variable through as '': it counts as unset. */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

const schema = z.object({
  /** `production` (the Docker image sets it) turns on the checks of secrets below. */
  NODE_ENV: z.string().optional(),
  /** Names the deployment (staging, production…); anything but development or test is checked like production. */
  APP_ENV: z.string().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('subscriptions'),
  /** Temporal Cloud / mTLS: client certificate and key (PEM files). */
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  /** Temporal Cloud API key (enables TLS). */
  TEMPORAL_API_KEY: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** SMTP server for customer emails (smtp://user:pass@host:port); without it, .eml files in OUTBOX_DIR. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  OUTBOX_DIR: z.string().default('.data/outbox'),
  MAIL_FROM: z.string().min(3).default('Billing <billing@localhost>'),
  /** Who hears about chargebacks; the MAIL_FROM address when unset. */
  OPS_EMAIL: z.email().optional(),
  /** Days between payment retries after a failed renewal, comma-separated. */
  DUNNING_RETRY_DAYS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated whole days, e.g. 3,5,7,6')
    .default('3,5,7,6')
    .transform((value) => value.split(',').map(Number)),
  /** What happens when the retries run out: cancel the subscription, or keep it as unpaid. */
  DUNNING_FINAL_ACTION: z.enum(['cancel', 'unpaid']).default('cancel'),
  TRIAL_REMINDER_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  INCOMPLETE_EXPIRY_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(23),
  /** How long after a period's end late usage events are still accepted and billed with it. */
  USAGE_GRACE_HOURS: z.coerce.number().int().min(0).max(72).default(1),
  /** How many days before a period starts its deliveries can no longer be skipped or redirected. */
  DELIVERY_CUTOFF_DAYS: z.coerce.number().int().min(0).max(27).default(3),
  /** Which payment gateway charges: the sandbox (test tokens, no money moves) or Stripe. */
  PAYMENT_GATEWAY: z.preprocess(emptyAsUnset, z.enum(['sandbox', 'stripe']).default('sandbox')),
  /** Stripe's secret (sk_…) or restricted (rk_…) key; required with PAYMENT_GATEWAY=stripe. Test keys are allowed anywhere. */
  STRIPE_SECRET_KEY: z.preprocess(emptyAsUnset, z.string().regex(/^(sk|rk)_/, 'must be a Stripe secret key (sk_…) or restricted key (rk_…)').optional()),
  /** Signs Stripe's webhook deliveries (whsec_…, shown for the endpoint in Stripe's dashboard); required with PAYMENT_GATEWAY=stripe. */
  STRIPE_WEBHOOK_SECRET: z.preprocess(emptyAsUnset, z.string().regex(/^whsec_/, 'must be a Stripe webhook signing secret (whsec_…)').optional()),
  /**
   * Stripe's publishable key (pk_test_… or pk_live_…): with the Stripe gateway, the portal's
   * payment-method form is Stripe's Payment Element (README, "Customer portal"); without it, a token field.
   */
  STRIPE_PUBLISHABLE_KEY: z.preprocess(emptyAsUnset, z.string().regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe publishable key (pk_test_… or pk_live_…)').optional()),
  /** Another Stripe API address (stripe-mock, a test stand-in): protocol, host and port only. */
  STRIPE_API_BASE: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .url()
      .refine((value) => /^https?:$/.test(new URL(value).protocol) && new URL(value).pathname === '/', 'must be http(s)://host[:port] with no path')
      .optional(),
  ),
  /** Where customers reach the API; links in emails point here. */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** Signs customer links (offer acceptance); in development a published default, elsewhere required. */
  LINK_SIGNING_SECRET: z.preprocess(emptyAsUnset, z.string().min(16).optional()),
  /**
   * Development and tests only: webhooks may use http:// and reach loopback, private and other
   * internal addresses. Off in production, where a webhook URL could otherwise probe the network.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Requests per minute per API key, counted after authentication; over it, 429 with Retry-After.
   * 100 a second, as Stripe allows a live key: a batch of usage events or an import must not stall.
   */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  /**
   * Requests per minute per client address, counted before authentication so floods of bad keys
   * are refused without a key lookup. Above the per-key limit: several keys may share a NAT.
   */
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(12_000),
  /**
   * Wrong secrets for one existing API key from one address in FAILED_AUTH_WINDOW_MINUTES; reaching
   * it, that key gets 429 from that address (even with its right secret) until the window ends.
   */
  FAILED_AUTH_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  FAILED_AUTH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** The customer portal's name on its pages and sign-in emails; the seller's legal name when unset. */
  PORTAL_NAME: z.preprocess(emptyAsUnset, z.string().trim().min(1).max(80).optional()),
  /** A logo at the top of portal pages: an http(s) URL, or a path on this host (/logo.png). */
  PORTAL_LOGO_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .refine((value) => /^\/[^/]/.test(value) || (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)), 'must be an http(s) URL or a path starting with /')
      .optional(),
  ),
  /** Buttons and links of the portal: white text on it must keep WCAG AA contrast. */
  PORTAL_ACCENT_COLOR: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb color, e.g. #1d4ed8')
      .refine((value) => contrastWithWhite(value) >= MIN_CONTRAST, `white text on it needs a contrast of at least ${MIN_CONTRAST}:1 (WCAG AA): pick a darker color`)
      .default(DEFAULT_ACCENT_COLOR),
  ),
  /** Portal sign-in links an email address may be sent in an hour (counted whether or not it is a customer's). */
  PORTAL_SIGN_IN_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(DEFAULT_SIGN_IN_LIMITS.perEmailPerHour),
  /** Portal sign-in link requests a client address may make in an hour. */
  PORTAL_SIGN_IN_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_SIGN_IN_LIMITS.perAddressPerHour),
  /** Express `trust proxy`: which hops' X-Forwarded-For to believe (api/trust-proxy.ts). */
  TRUST_PROXY: trustProxySetting,
  /** JSON log lines at this level and above (API and worker). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** The worker's Prometheus /metrics port; 0 turns the worker's metrics off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Where the Temporal SDK core serves its own metrics; the worker appends them to its /metrics. */
  TEMPORAL_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9465')
    .default('127.0.0.1:9465'),
});

/** Development and tests only when nothing says otherwise: a deployment that forgets APP_ENV but sets NODE_ENV=production is checked. */
export function isDevelopment(env: { NODE_ENV?: string | undefined; APP_ENV?: string | undefined }): boolean {
  return env.NODE_ENV !== 'production' && (env.APP_ENV === undefined || env.APP_ENV === 'development' || env.APP_ENV === 'test');
}

/** Secrets are checked here, before anything connects: an unsafe deployment stops at once, naming the variable. */
const checked = schema
  .superRefine((env, ctx) => {
    if (env.PAYMENT_GATEWAY === 'stripe') {
      for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
        if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when PAYMENT_GATEWAY=stripe' });
      }
    }
    // A test-mode element cannot save a card for a live-mode charge, nor the other way round.
    if (env.STRIPE_PUBLISHABLE_KEY && env.STRIPE_SECRET_KEY && env.STRIPE_PUBLISHABLE_KEY.startsWith('pk_live_') !== /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_PUBLISHABLE_KEY'], message: 'must be of the same mode (test or live) as STRIPE_SECRET_KEY' });
    }
    if (isDevelopment(env)) return;
    const reason = unsafeSecretReason(env.LINK_SIGNING_SECRET);
    if (reason) ctx.addIssue({ code: 'custom', path: ['LINK_SIGNING_SECRET'], message: reason });
  })
  .transform((env) => ({ ...env, LINK_SIGNING_SECRET: env.LINK_SIGNING_SECRET ?? DEVELOPMENT_LINK_SECRET }));

export type AppConfig = z.infer<typeof checked> & { seller: SellerProfile };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = checked.safeParse(env);
  const seller = loadSeller(env, isDevelopment(env));
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)), ...('problems' in seller ? seller.problems : [])];
  if (!parsed.success || 'problems' in seller) throw new Error(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return { ...parsed.data, seller };
}

/** The lifecycle policy new subscriptions get (running ones keep the policy they started with). */
export function subscriptionPolicy(config: AppConfig): SubscriptionPolicy {
  return {
    dunning: { retryDelaysDays: config.DUNNING_RETRY_DAYS, finalAction: config.DUNNING_FINAL_ACTION },
    trialReminderDays: config.TRIAL_REMINDER_DAYS,
    incompleteExpiryHours: config.INCOMPLETE_EXPIRY_HOURS,
    usageGraceHours: config.USAGE_GRACE_HOURS,
    deliveryCutoffDays: config.DELIVERY_CUTOFF_DAYS,
    seller: sellerTaxSetup(config.seller),
  };
}

export function throttleLimits(config: AppConfig): ThrottleLimits {
  return {
    perAddressPerMinute: config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    perKeyPerMinute: config.RATE_LIMIT_PER_MINUTE,
    failedAuthLimit: config.FAILED_AUTH_LIMIT,
    failedAuthWindowSeconds: config.FAILED_AUTH_WINDOW_MINUTES * 60,
  };
}

export function linkSigning(config: AppConfig): LinkSigning {
  return { publicUrl: config.PUBLIC_URL, secret: config.LINK_SIGNING_SECRET };
}

export function webhookTargets(config: AppConfig): WebhookTargetPolicy {
  return { allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
}

export function portalBranding(config: AppConfig): PortalBranding {
  return { name: config.PORTAL_NAME ?? config.seller.legalName, logoUrl: config.PORTAL_LOGO_URL ?? null, accentColor: config.PORTAL_ACCENT_COLOR };
}

export function signInLimits(config: AppConfig): SignInLimits {
  return { perAddressPerHour: config.PORTAL_SIGN_IN_PER_ADDRESS_PER_HOUR, perEmailPerHour: config.PORTAL_SIGN_IN_PER_EMAIL_PER_HOUR };
}
