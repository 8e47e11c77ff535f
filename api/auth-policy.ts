// Which credential each request needs, decided from its method and path alone, before any router
// runs: a router added later is covered without being listed here (reads need `read`, anything
// else `write`). Only the exceptions are named, all in this file.
import type { Scope } from './auth-keys';

export type Access =
  /** No key needed (and none looked at): probes, metrics, API docs. */
  | { kind: 'public' }
  /** A customer's link: a signed token instead of a key, or a key with `write`. */
  | { kind: 'link' }
  /** No key: the body is signed by a payment gateway, and the route verifies the signature. */
  | { kind: 'signed' }
  /**
   * The customer portal's pages (portal/): no key; the portal checks its own session cookie,
   * signed links and CSRF tokens. Counted against the address's rate limit like any keyed request.
   */
  | { kind: 'portal' }
  | { kind: 'key'; scope: Scope };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reachable without a key by GET/HEAD. `/docs` covers its sub-paths (UI assets). */
const PUBLIC_PATHS = ['/healthz', '/metrics', '/openapi.json'];
const PUBLIC_PREFIXES = ['/docs'];

/** Every method needs `admin`: these manage secrets or access. */
export const ADMIN_PREFIXES = ['/webhooks', '/api-keys', '/audit-events'];

/**
 * Reads need `read`, changes need `admin`: the catalogue every subscription prices from (products,
 * plans, add-ons, coupons: created, edited, archived; plan prices: POST /plans/:code/prices), and
 * the upsell rules (includes POST /plans/:code/migrations).
 */
export const CATALOGUE_PREFIXES = ['/products', '/plans', '/add-ons', '/coupons', '/offer-rules'];

/** Keeping a subscription on its old price is a pricing decision, as the catalogue is. */
const PRICING_ROUTE = /^\/subscriptions\/[^/]+\/grandfathered$/;

/**
 * The sandbox gateway's customer-facing page and settle callback (api/routes/sandbox.ts): they
 * stand in for the provider's own pages and webhooks, which need no key of ours either.
 */
const SANDBOX_ROUTE = /^\/sandbox\/charges\/[^/]+(\/settle)?$/;

/**
 * Events from payment gateways (api/routes/stripe-webhooks.ts), under /webhooks but not managed
 * there. Only the exact path, as written: an encoded or doubled form stays an admin path.
 */
const SIGNED_ROUTES = ['/webhooks/stripe'];

/** Every method: pages, their forms, and their assets (portal/app.ts). */
const PORTAL_PREFIX = '/portal';

/** Accept or decline an offer through the API with a link's token (api/routes/upsell.ts). */
const LINK_ROUTE = /^\/subscriptions\/[^/]+\/offers\/[^/]+\/(accept|decline)$/;

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Express matches paths case-insensitively and ignores a trailing slash; so does the policy. */
function normalize(path: string): string {
  const collapsed = path.toLowerCase().replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function decoded(path: string): string {
  try {
    return normalize(decodeURIComponent(path));
  } catch {
    return path;
  }
}

export function requiredAccess(method: string, rawPath: string): Access {
  const path = normalize(rawPath);
  // Escalations look at the decoded path too, so an encoded character cannot slip past them.
  const forms = [path, decoded(path)];
  const read = READ_METHODS.has(method.toUpperCase());
  if (method.toUpperCase() === 'POST' && SIGNED_ROUTES.includes(rawPath.toLowerCase().replace(/(.)\/$/, '$1'))) return { kind: 'signed' };
  if (forms.some((p) => ADMIN_PREFIXES.some((prefix) => under(p, prefix)))) return { kind: 'key', scope: 'admin' };
  if (!read && forms.some((p) => CATALOGUE_PREFIXES.some((prefix) => under(p, prefix)))) return { kind: 'key', scope: 'admin' };
  if (!read && forms.some((p) => PRICING_ROUTE.test(p))) return { kind: 'key', scope: 'admin' };
  if (read && (PUBLIC_PATHS.includes(path) || PUBLIC_PREFIXES.some((prefix) => under(path, prefix)))) return { kind: 'public' };
  if (under(path, PORTAL_PREFIX)) return { kind: 'portal' };
  if (method.toUpperCase() === 'POST' && LINK_ROUTE.test(path)) return { kind: 'link' };
  if (['GET', 'HEAD', 'POST'].includes(method.toUpperCase()) && SANDBOX_ROUTE.test(path)) return { kind: 'public' };
  return { kind: 'key', scope: read ? 'read' : 'write' };
}
