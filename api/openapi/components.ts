// The reusable parts of the document: named answer schemas, headers, the Idempotency-Key
// parameter and the two ways to authenticate.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { offerRule } from '../../infra/catalogue';
import { addOn, coupon, plan } from '../schemas/responses/catalogue';
import { health, upsellReport } from '../schemas/responses/operations';
import { planMigration, planMigrationDetail, planMigrationItem } from '../schemas/responses/plan-migrations';
import { problem } from '../schemas/responses/problem';
import { customer, invoice, invoiceSummary, subscriptionSummary, timeline, timelineEvent } from '../schemas/responses/reads';
import { acceptedSubscription, latestInvoice, planChangePreview, planChangeResult, subscriptionView, usageAccepted } from '../schemas/responses/subscription';
import { createdWebhookEndpoint, webhookDelivery, webhookEndpoint, webhookEndpointDetail, webhookEvent } from '../schemas/responses/webhooks';
import type { HeaderName } from './endpoint';

export const SCHEMA_NAMES: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>([
  [problem, 'Problem'],
  [subscriptionView, 'Subscription'],
  [acceptedSubscription, 'AcceptedSubscription'],
  [latestInvoice, 'InvoiceState'],
  [planChangeResult, 'PlanChangeResult'],
  [planChangePreview, 'PlanChangePreview'],
  [usageAccepted, 'UsageAccepted'],
  [subscriptionSummary, 'SubscriptionSummary'],
  [customer, 'Customer'],
  [invoiceSummary, 'InvoiceSummary'],
  [invoice, 'Invoice'],
  [timelineEvent, 'TimelineEvent'],
  [timeline, 'Timeline'],
  [plan, 'Plan'],
  [addOn, 'AddOn'],
  [coupon, 'Coupon'],
  [offerRule, 'OfferRule'],
  [planMigration, 'PlanMigration'],
  [planMigrationItem, 'PlanMigrationItem'],
  [planMigrationDetail, 'PlanMigrationDetail'],
  [webhookEndpoint, 'WebhookEndpoint'],
  [createdWebhookEndpoint, 'CreatedWebhookEndpoint'],
  [webhookEndpointDetail, 'WebhookEndpointDetail'],
  [webhookDelivery, 'WebhookDelivery'],
  [webhookEvent, 'WebhookEvent'],
  [health, 'Health'],
  [upsellReport, 'UpsellReport'],
]);

const integer = { type: 'integer', minimum: 0 };

export const HEADERS: Record<HeaderName, { name: string; description: string; schema: Record<string, unknown> }> = {
  Location: { name: 'Location', description: 'Path of the created resource', schema: { type: 'string' } },
  PreferenceApplied: { name: 'Preference-Applied', description: 'RFC 7240: the preference the answer honours (`respond-async`)', schema: { type: 'string', const: 'respond-async' } },
  IdempotentReplayed: {
    name: 'Idempotent-Replayed',
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', const: 'true' },
  },
  RetryAfter: { name: 'Retry-After', description: 'Seconds to wait before retrying', schema: integer },
  RateLimitLimit: { name: 'RateLimit-Limit', description: 'Requests allowed per minute for this API key', schema: integer },
  RateLimitRemaining: { name: 'RateLimit-Remaining', description: 'Requests this API key has left in the current minute', schema: integer },
  WWWAuthenticate: {
    name: 'WWW-Authenticate',
    description: 'RFC 6750 challenge: `Bearer realm="subscription-engine"`, with `error="invalid_token"` or `error="insufficient_scope", scope="…"`',
    schema: { type: 'string' },
  },
  ContentDisposition: {
    name: 'Content-Disposition',
    description: 'The file name to save the answer as: `attachment; filename="…"`',
    schema: { type: 'string' },
  },
  Consistency: {
    name: 'X-Consistency',
    description: '`eventual`: read from the state the workflow stored with its last completed step; `strong`: the workflow answered itself',
    schema: { type: 'string', enum: ['eventual', 'strong'] },
  },
};

/**
 * Mirrors the check in api/idempotency-request.ts (test/api/openapi.test.ts holds them together):
 * visible ASCII without spaces, 1-255 characters.
 */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,255}$';

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retried POST take effect once: the same key with the same method, path, query and body returns the first answer ' +
    '(success or 402) for 24 hours, with `Idempotent-Replayed: true`. A UUID is best.',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
};

/**
 * The parameter as one operation shows it. Each operation's example key is its own: a key is one
 * request's, and the same key sent to two operations is refused (422), so a shared example would
 * teach exactly that mistake to whoever copies examples from one operation to the next.
 */
export function idempotencyKeyParameter(operationId: string) {
  const hex = createHash('sha256').update(operationId).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { ...IDEMPOTENCY_KEY_PARAMETER, example: uuid };
}

export const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sek_<prefix>_<secret>',
    description:
      'An API key in `Authorization: Bearer <key>` (the first with `npm run apikey:create`, others with `POST /api-keys`). Scopes nest: `admin` ⊇ `write` ⊇ `read`. ' +
      '`read`: reads (GET), except under /webhooks, /api-keys and /audit-events. `write`: also creating and changing subscriptions. ' +
      '`admin`: also the catalogue, upsell rules, plan migrations, grandfathering, and everything under /webhooks, /api-keys and /audit-events. ' +
      'The scope each operation needs is listed in its security requirement and description.',
  },
  offerLink: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "The signed, expiring token from a customer's email link (also accepted as `token` in the body): accept or decline that one offer, without a key.",
  },
};
