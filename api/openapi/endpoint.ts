// How an endpoint is declared for the OpenAPI document: once, with the zod schemas its router
// validates with (imported from api/schemas, never copied), so the document cannot describe other
// rules than the ones enforced. What the document derives instead of repeating — the scope, the
// shared error answers — comes from api/auth-policy.ts and api/openapi/errors.ts.
import type { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export const TAGS = {
  subscriptions: { name: 'Subscriptions', description: 'Create subscriptions and read them: live state, lists, invoices, timelines' },
  commands: { name: 'Subscription commands', description: 'Change a running subscription. A command the lifecycle refuses answers 409 and changes nothing' },
  extras: { name: 'Usage, add-ons and coupons', description: 'Usage reports, add-ons and coupons of one subscription' },
  offers: { name: 'Upsell offers', description: "Accept or decline an offer, with an API key or the signed token from the customer's email" },
  quotes: { name: 'Quotes', description: 'Custom packages offered to a customer, sent with a link and accepted into a subscription' },
  catalogue: { name: 'Catalogue', description: 'Plans, add-ons, coupons and upsell rules' },
  migrations: { name: 'Plan migrations', description: 'Move every subscription on a plan to another plan at its next renewal' },
  customers: { name: 'Customers and invoices', description: 'Customers, invoices and their payments' },
  reports: { name: 'Reports', description: 'Figures for product teams' },
  exports: { name: 'Exports', description: 'Files for bookkeeping systems' },
  payments: {
    name: 'Payments',
    description: "The payment provider's side of a charge: its webhooks, and the sandbox gateway's stand-ins for its authentication page and settlement callback",
  },
  webhooks: { name: 'Webhooks', description: 'Endpoints that receive signed events, and their delivery log' },
  gateways: { name: 'Payment gateway events', description: 'Events a payment gateway sends to the engine, authenticated by their signature instead of an API key' },
  security: { name: 'Keys and audit', description: 'API keys (the secret is shown once) and the append-only audit log of every change' },
  operations: { name: 'Operations', description: 'Health, metrics and this documentation: no key needed' },
} as const;

export type Tag = keyof typeof TAGS;

/** Response headers described once in the document's components. */
export type HeaderName = 'PreferenceApplied' | 'Location' | 'IdempotentReplayed' | 'RetryAfter' | 'RateLimitLimit' | 'RateLimitRemaining' | 'WWWAuthenticate' | 'ContentDisposition' | 'Consistency';

export interface Answer {
  status: number;
  description: string;
  /** Omitted: no body. */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
  headers?: HeaderName[];
}

/** Errors whose meaning depends on the endpoint; the others are derived (api/openapi/errors.ts). */
export type EndpointErrors = Partial<Record<400 | 402 | 404 | 409, string>>;

/**
 * A request another system sends and signs (a payment gateway's webhook). It is answered before
 * body parsing, Idempotency-Key and authentication, so none of their answers apply; its body is
 * that system's object, documented loosely and never refused for a field the engine does not read.
 */
export interface InboundWebhook {
  signatureHeader: { name: string; description: string; example: string };
  body: z.ZodType;
  example: unknown;
  /** The largest body accepted (413 above it). */
  limit: string;
}

export interface Endpoint {
  method: Method;
  /** As Express matches it, mount path included: `/subscriptions/:id/cancel`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  /** A valid value of every path parameter: shown in the docs, and used by the tests. */
  paramExamples?: Record<string, string>;
  query?: z.ZodObject;
  /** Valid query parameters: shown in the docs, and used by the tests. */
  queryExample?: Record<string, string | number>;
  body?: z.ZodType;
  /** The router reads `req.body ?? {}`: the body may be left out. */
  optionalBody?: true;
  /** A body the endpoint accepts: shown in the docs, and checked against the schema by the tests. */
  example?: unknown;
  /** Descriptions of body and query fields, by name (the validated schemas stay as they are). */
  fields?: Record<string, string>;
  answers: [Answer, ...Answer[]];
  errors?: EndpointErrors;
  /** Request headers the endpoint reads besides the shared ones (Authorization, Idempotency-Key). */
  requestHeaders?: Array<{ name: string; description: string; example: string }>;
  inbound?: InboundWebhook;
  /** Never a 503: answered from memory, or (metrics) with the last values while the database is down. */
  alwaysAnswers?: true;
}

/** POSTs take an Idempotency-Key, except a gateway's webhooks, which are answered before it is read. */
export function idempotent(endpoint: Endpoint): boolean {
  return endpoint.method === 'post' && !endpoint.inbound;
}
