// Security headers for the HTML the API serves, by helmet: /docs and the customer portal.
// The Swagger UI page loads its scripts and styles from files, so the policy needs no
// 'unsafe-inline' for scripts; Swagger UI sets styles through the DOM and shows data: images.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export function htmlSecurityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // No upgrade-insecure-requests: `npm start` serves plain http on localhost, and upgrading
        // its own asset URLs to https would break the page there.
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** The portal's policy: no script but its own files, nothing fetched or framed. */
function portalDirectives(logoOrigin: string | null) {
  return {
    defaultSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", ...(logoOrigin ? [logoOrigin] : [])],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
  };
}

/**
 * The customer portal's pages use no script and no inline style at all (the accent color is a
 * stylesheet too), so nothing inline runs even if a page were ever tricked into printing markup.
 * Referrer-Policy no-referrer: link tokens in the address must not leak to another site.
 */
export function portalSecurityHeaders(logoOrigin: string | null): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: portalDirectives(logoOrigin) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

export const STRIPE_JS = 'https://js.stripe.com';
const STRIPE_API = 'https://api.stripe.com';

/**
 * The portal's policy for the one page that mounts Stripe's Payment Element, replacing the
 * portal's own there: Stripe.js from js.stripe.com, its frames from there too, and its calls to
 * api.stripe.com (Stripe's documented needs for the element). Still nothing inline.
 */
export function hostedElementPolicy(logoOrigin: string | null): RequestHandler {
  const portal = portalDirectives(logoOrigin);
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { ...portal, scriptSrc: [...portal.scriptSrc, STRIPE_JS], frameSrc: [STRIPE_JS], connectSrc: [STRIPE_API] },
  });
}
