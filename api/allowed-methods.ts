// A path the API has, asked with a method none of its routes offers, answers 405 with an Allow
// header listing the methods they do offer (RFC 9110 §15.5.6) rather than the 404 of a path it
// does not have; OPTIONS on such a path answers 204 with the same header (§9.3.7). The methods are
// the routes the app registers (api/registered-routes.ts), read once when it is built: a route
// added later is covered without being listed here, and the OpenAPI test keeps the routes and the
// document equal. Express itself matches the paths, as it does for the routers. A concrete path
// comes before a template that also matches it, as OpenAPI reads paths: /subscriptions/imports is
// POST only, though GET /subscriptions/:id would take "imports" for an id.
import { Router, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ProblemError } from './problem';
import { registeredRoutes } from './registered-routes';

export interface AllowedMethods {
  /**
   * Before the routers: the first router with a route for the path would answer OPTIONS itself,
   * with its own routes' methods only (in a text body), and `/subscriptions` has POST in one
   * router and GET in another. A method a concrete path does not offer is refused here too, before
   * a router's template route takes the request.
   */
  answerOptions: RequestHandler;
  /** After every router, last before the 404: the app's routes are read here, once. */
  refuseOthers(app: Express): RequestHandler;
}

/** `GET, HEAD, OPTIONS, POST`: HEAD with GET, as Express serves it; OPTIONS everywhere, as answerOptions does. */
export function allowHeader(methods: Iterable<string>): string {
  const allowed = new Set(['OPTIONS', ...methods].map((method) => method.toUpperCase()));
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort().join(', ');
}

/** The 405 for `req`, its Allow header set. */
export function methodNotAllowed(req: Request, res: Response, allow: string): ProblemError {
  res.set('Allow', allow);
  return new ProblemError(405, 'method-not-allowed', `${req.method} is not offered for ${req.originalUrl.split('?')[0]}; it offers ${allow}`);
}

/** A path as Express compares it: in any case, a trailing slash or not. */
const normalized = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';
const isTemplate = (path: string) => /[:*{]/.test(path);

/** Whether the template `/a/:b` also matches the concrete path `/a/c`. */
function shadows(template: string, concrete: string): boolean {
  const [t, c] = [normalized(template).split('/'), normalized(concrete).split('/')];
  return t.length === c.length && t.every((segment, i) => segment.startsWith(':') || segment === c[i]);
}

export function allowedMethods(): AllowedMethods {
  // Several routes can match one path (`/subscriptions/imports` is also `/subscriptions/:id`), so
  // each adds its methods to the request's sets and the answer comes once the router is done.
  const offered = new WeakMap<Request, { concrete: Set<string>; template: Set<string> }>();
  const paths = Router();
  /** Concrete paths a template also matches: their other methods are refused before the routers. */
  let shadowed = new Set<string>();

  /** `then` with the Allow header of the request's path; `next()` for a path no route has. */
  const withAllow = (req: Request, res: Response, next: NextFunction, then: (allow: string) => void) =>
    paths(req, res, (error?: unknown) => {
      const found = offered.get(req);
      offered.delete(req);
      if (error || !found) return next(error);
      then(allowHeader(found.concrete.size > 0 ? found.concrete : found.template));
    });

  /** `next()` when the request's method is in `allow`, else the 405. */
  const refuseUnoffered = (req: Request, res: Response, next: NextFunction) => (allow: string) =>
    allow.split(', ').includes(req.method) ? next() : next(methodNotAllowed(req, res, allow));

  return {
    answerOptions: (req, res, next) => {
      if (req.method === 'OPTIONS') return withAllow(req, res, next, (allow) => res.set('Allow', allow).status(204).end());
      if (!shadowed.has(normalized(req.path))) return next();
      withAllow(req, res, next, refuseUnoffered(req, res, next));
    },
    refuseOthers(app) {
      const byPath = new Map<string, string[]>();
      for (const { method, path } of registeredRoutes(app)) byPath.set(path, [...(byPath.get(path) ?? []), method]);
      const templates = [...byPath.keys()].filter(isTemplate);
      shadowed = new Set([...byPath.keys()].filter((path) => !isTemplate(path) && templates.some((t) => shadows(t, path))).map(normalized));
      for (const [path, methods] of byPath) {
        const kind = isTemplate(path) ? 'template' : 'concrete';
        paths.all(path, (req, _res, next) => {
          const found = offered.get(req) ?? { concrete: new Set<string>(), template: new Set<string>() };
          for (const method of methods) found[kind].add(method);
          offered.set(req, found);
          next();
        });
      }
      // A route that passed the request on (its method is offered) leaves it to the 404.
      return (req, res, next) => withAllow(req, res, next, refuseUnoffered(req, res, next));
    },
  };
}
