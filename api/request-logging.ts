// One log line per request (method, route pattern, status, duration, requestId, subscriptionId)
// and the same facts handed to the latency histogram.
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { captureRoute, currentRequestLogger, newContext, runWithContext, secondsSince } from './request-context';

export interface RequestSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/** The route label of requests no route matched (404s): raw paths would explode the label set. */
export const UNMATCHED_ROUTE = '(unmatched)';

// Scrapes and health probes arrive every few seconds; at info they would drown the real traffic.
const PROBE_ROUTES = new Set(['/metrics', '/healthz']);

export function requestLogging(base: Logger, observe: (sample: RequestSample) => void): RequestHandler {
  return (req, res, next) => {
    const context = newContext(req, base);
    req.log = context.log;
    res.setHeader('x-request-id', context.requestId);
    captureRoute(req, context, base);
    res.once('close', () => {
      const seconds = secondsSince(context);
      const route = context.route ?? UNMATCHED_ROUTE;
      const status = res.statusCode;
      observe({ method: req.method, route, status, seconds });
      const level = status >= 500 ? 'error' : PROBE_ROUTES.has(route) ? 'debug' : 'info';
      context.log[level](
        {
          method: req.method,
          route,
          // Without the query string: customer links carry their signed token there.
          path: req.originalUrl.split('?')[0],
          status,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request completed',
      );
    });
    runWithContext(context, next);
  };
}

/** Logs errors that became 5xx answers with the context (requestId, subscriptionId) of the request they broke. */
export function unexpectedErrorLogger(base: Logger): (error: unknown) => void {
  return (error) => currentRequestLogger(base).error({ err: error }, 'unexpected error');
}
