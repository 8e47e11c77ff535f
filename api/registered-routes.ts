// The routes an Express 5 app really has, read from its router stack: the methods each path offers
// (api/allowed-methods.ts), and what the OpenAPI document must list (test/api/openapi.test.ts).
// Middleware (authentication, static files) is not a route and is skipped, and so is a mounted
// application: the customer portal (portal/app.ts) serves pages for people, not API operations,
// and its layer holds no router stack.

interface Layer {
  /** The path given to `use()` or `route()` (router 2.x keeps it as written). */
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export interface RegisteredRoute {
  method: string;
  /** Express syntax, mount paths included: `/subscriptions/:id/cancel`. */
  path: string;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: Layer[], prefix: string): RegisteredRoute[] {
  return stack.flatMap((layer): RegisteredRoute[] => {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') throw new Error(`a route with a non-string path under ${prefix} cannot be documented`);
      const path = join(prefix, layer.route.path);
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => ({ method, path }));
    }
    if (layer.handle?.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error(`a router mounted with a non-string path under ${prefix} cannot be documented`);
      return walk(layer.handle.stack, join(prefix, layer.rawPath));
    }
    return [];
  });
}

export function registeredRoutes(app: unknown): RegisteredRoute[] {
  const router = (app as { router?: { stack?: Layer[] } }).router;
  if (!router?.stack) throw new Error('not an Express 5 app: no router stack');
  return walk(router.stack, '/');
}
