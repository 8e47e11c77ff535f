// Per-request context for logs and metrics: a request id, the route pattern that matched and the
// subscription it is about, and a child logger that carries them.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Logger } from '../infra/logger';

export interface RequestContext {
  requestId: string;
  startedAt: bigint;
  /** The pattern that matched (`/subscriptions/:id`), not the raw path; null until a route matches. */
  route: string | null;
  subscriptionId: string | undefined;
  log: Logger;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Logger with this request's requestId (and subscriptionId once its route matched). */
    log: Logger;
  }
}

const storage = new AsyncLocalStorage<RequestContext>();
/** For listeners that run after the response (the audit log), where the async context is gone. */
const byRequest = new WeakMap<Request, RequestContext>();

export function requestContextOf(req: Request): RequestContext | undefined {
  return byRequest.get(req);
}

/** The logger of the request being handled, for code that only sees an error (the error path). */
export function currentRequestLogger(fallback: Logger): Logger {
  return storage.getStore()?.log ?? fallback;
}

export function runWithContext(context: RequestContext, fn: () => void): void {
  storage.run(context, fn);
}

// A caller-chosen id is kept so one id follows a call across services; anything odd is replaced.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

function patternOf(baseUrl: string, path: unknown): string {
  const joined = `${baseUrl}${typeof path === 'string' ? path : String(path)}`;
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined || '/';
}

function subscriptionIdOf(pattern: string, params: Record<string, unknown>): string | undefined {
  if (typeof params.subscriptionId === 'string') return params.subscriptionId;
  return pattern.startsWith('/subscriptions/:id') && typeof params.id === 'string' ? params.id : undefined;
}

/**
 * Records the route pattern at the moment Express matches it. Read later (when the response is
 * finished) `req.baseUrl` and `req.params` have already been restored by the routers on the way
 * out, so the only reliable moment is the assignment of `req.route` itself.
 */
export function captureRoute(req: Request, context: RequestContext, base: Logger): void {
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      if (!value) return;
      context.route = patternOf(req.baseUrl, value.path);
      context.subscriptionId = subscriptionIdOf(context.route, req.params ?? {});
      context.log = base.child({ requestId: context.requestId, ...(context.subscriptionId ? { subscriptionId: context.subscriptionId } : {}) });
      req.log = context.log;
    },
  });
}

export function newContext(req: Request, base: Logger): RequestContext {
  const requestId = requestIdOf(req);
  const context: RequestContext = { requestId, startedAt: process.hrtime.bigint(), route: null, subscriptionId: undefined, log: base.child({ requestId }) };
  byRequest.set(req, context);
  return context;
}

export function secondsSince(context: RequestContext): number {
  return Number(process.hrtime.bigint() - context.startedAt) / 1e9;
}
