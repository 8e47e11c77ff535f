// A path the API has, asked with a method none of its routes offers, answers 405 with an Allow
// header listing the methods they do offer (RFC 9110 §15.5.6) rather than the 404 of a path it
// does not have; OPTIONS on such a path answers 204 with the same header (§9.3.7). The methods are
// the routes the app registers (api/registered-routes.ts), read once when it is built: a route
// added later is covered without being listed here, and the OpenAPI test keeps the routes and the
// document equal. Express itself matches the paths, as it does for the routers.
import { Router, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ProblemError } from './problem';
import { registeredRoutes } from './registered-routes';

export interface AllowedMethods {
  /**
   * Before the routers: the first router with a route for the path would answer OPTIONS itself,
   * with its own routes' methods only (in a text body), and `/subscriptions` has POST in one
   * router and GET in another.
   */
  answerOptions: RequestHandler;
  /** After every router, last before the 404: the app's routes are read here, once. */
  refuseOthers(app: Express): RequestHandler;
}

/** `GET, HEAD, OPTIONS, POST`: HEAD with GET, as Express serves it; OPTIONS everywhere, as answerOptions does. */
function allowHeader(methods: Iterable<string>): string {
  const allowed = new Set(['OPTIONS', ...methods].map((method) => method.toUpperCase()));
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort().join(', ');
}

/** The 405 for `req`, its Allow header set. */
export function methodNotAllowed(req: Request, res: Response, allow: string): ProblemError {
  res.set('Allow', allow);
  return new ProblemError(405, 'method-not-allowed', `${req.method} is not offered for ${req.originalUrl.split('?')[0]}; it offers ${allow}`);
}

export function allowedMethods(): AllowedMethods {
  // Several templates can match one path (`/subscriptions/imports` is also `/subscriptions/:id`),
  // so each adds its methods to the request's set and the answer comes once the router is done.
  const offered = new WeakMap<Request, Set<string>>();
  const paths = Router();

  /** `then` with the Allow header of the request's path; `next()` for a path no route has. */
  const withAllow = (req: Request, res: Response, next: NextFunction, then: (allow: string) => void) =>
    paths(req, res, (error?: unknown) => {
      const methods = offered.get(req);
      offered.delete(req);
      if (error || !methods) return next(error);
      then(allowHeader(methods));
    });

  return {
    answerOptions: (req, res, next) => {
      if (req.method !== 'OPTIONS') return next();
      withAllow(req, res, next, (allow) => res.set('Allow', allow).status(204).end());
    },
    refuseOthers(app) {
      const byPath = new Map<string, string[]>();
      for (const { method, path } of registeredRoutes(app)) byPath.set(path, [...(byPath.get(path) ?? []), method]);
      for (const [path, methods] of byPath) {
        paths.all(path, (req, _res, next) => {
          offered.set(req, new Set([...(offered.get(req) ?? []), ...methods]));
          next();
        });
      }
      return (req, res, next) =>
        withAllow(req, res, next, (allow) => {
          // A route that passed the request on (its method is offered) leaves it to the 404.
          if (allow.split(', ').includes(req.method)) return next();
          next(methodNotAllowed(req, res, allow));
        });
    },
  };
}
