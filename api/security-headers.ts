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

/**
 * The customer portal's pages use no script and no inline style at all (the accent color is a
 * stylesheet too), so nothing inline runs even if a page were ever tricked into printing markup.
 * Referrer-Policy no-referrer: link tokens in the address must not leak to another site.
 */
export function portalSecurityHeaders(logoOrigin: string | null): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", ...(logoOrigin ? [logoOrigin] : [])],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
