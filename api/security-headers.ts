// Security headers for the HTML the API serves (/docs, and customer pages later), by helmet.
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
