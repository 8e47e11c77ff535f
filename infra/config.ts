// Process configuration, parsed once at startup. Bad values stop the process with a message
// naming the variable.
import { z } from 'zod';
import type { SubscriptionPolicy } from '../domain/subscription';
import { LOG_LEVELS } from './logger';
import type { LinkSigning } from './links';
import type { WebhookTargetPolicy } from './webhook-target';

const schema = z.object({
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
  /** Where customers reach the API; links in emails point here. */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** Signs customer links (offer acceptance). Set a long random value in production. */
  LINK_SIGNING_SECRET: z.string().min(16).default('development-only-link-secret'),
  /**
   * Development and tests only: webhooks may use http:// and reach loopback, private and other
   * internal addresses. Off in production, where a webhook URL could otherwise probe the network.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /** Requests per minute per API key (bursts up to this many); over it, 429 with Retry-After. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
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

export type AppConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/** The lifecycle policy new subscriptions get (running ones keep the policy they started with). */
export function subscriptionPolicy(config: AppConfig): SubscriptionPolicy {
  return {
    dunning: { retryDelaysDays: config.DUNNING_RETRY_DAYS, finalAction: config.DUNNING_FINAL_ACTION },
    trialReminderDays: config.TRIAL_REMINDER_DAYS,
    incompleteExpiryHours: config.INCOMPLETE_EXPIRY_HOURS,
  };
}

export function linkSigning(config: AppConfig): LinkSigning {
  return { publicUrl: config.PUBLIC_URL, secret: config.LINK_SIGNING_SECRET };
}

export function webhookTargets(config: AppConfig): WebhookTargetPolicy {
  return { allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
}
