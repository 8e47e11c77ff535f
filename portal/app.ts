// The customer portal: pages for people, under /portal. Its own Express application, mounted by
// api/app.ts before the API's JSON-only body parser and API-key authentication, with what pages
// need instead: HTML forms, a session cookie, a CSRF token on every form, errors as pages, and a
// strict Content-Security-Policy. Its pages are not API operations and not in the OpenAPI document.
//
// A page group is one router in portal/routes/ (mounted below) and its templates in portal/views/;
// its words go in portal/i18n/en.ts and nb.ts.
import path from 'node:path';
import express from 'express';
import type { ApiDeps } from '../api/deps';
import { hostedElementPolicy, portalSecurityHeaders } from '../api/security-headers';
import { DEFAULT_SIGN_IN_LIMITS, memorySignInThrottles, type SignInThrottles } from '../api/throttles';
import { DEFAULT_BRANDING, logoOrigin, themeCss, type PortalBranding } from './branding';
import { portalContext, type PortalSetup } from './context';
import { cookiePolicy } from './cookies';
import { portalErrors, portalNotFound } from './errors';
import { commandsRouter } from './routes/commands';
import { invoicesRouter } from './routes/invoices';
import { offersRouter } from './routes/offers';
import { overviewRouter } from './routes/overview';
import { quotesRouter } from './routes/quotes';
import { signInRouter } from './routes/sign-in';

export interface PortalOptions {
  branding?: PortalBranding;
  /** Counted in PostgreSQL across API processes (api/index.ts); in this process when omitted. */
  signIn?: SignInThrottles;
}

export function createPortal(deps: ApiDeps): express.Express {
  const branding = deps.portal?.branding ?? DEFAULT_BRANDING;
  const setup: PortalSetup = {
    deps,
    branding,
    signIn: deps.portal?.signIn ?? memorySignInThrottles(DEFAULT_SIGN_IN_LIMITS),
    cookies: cookiePolicy(deps.links.publicUrl),
    hostedElementPolicy: hostedElementPolicy(logoOrigin(branding)),
  };
  const theme = themeCss(setup.branding);
  const portal = express();
  portal.disable('x-powered-by');
  portal.use(portalSecurityHeaders(logoOrigin(setup.branding)));
  portal.get('/assets/theme.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(theme);
  });
  portal.use('/assets', express.static(path.join(__dirname, 'static'), { index: false, maxAge: '1h' }));
  portal.use(portalContext(setup));
  portal.use(express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }));

  portal.use(signInRouter(setup));
  portal.use(overviewRouter(setup));
  portal.use(invoicesRouter(setup));
  portal.use(offersRouter(setup));
  portal.use(quotesRouter(setup));
  portal.use(commandsRouter(setup));

  portal.use(portalNotFound());
  portal.use(portalErrors(setup));
  return portal;
}
