// What every portal request knows once it arrives: who is signed in (the session cookie), which
// language the page speaks, and what a form's CSRF token is bound to.
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { ApiDeps } from '../api/deps';
import type { SignInThrottles } from '../api/throttles';
import { billingProfileOf } from '../api/services/views';
import type { Customer } from '../prisma/generated/client';
import type { PortalBranding } from './branding';
import { readCookie, setCookie, type CookiePolicy } from './cookies';
import type { CsrfBinding } from './csrf';
import { chooseLanguage, formatter, translator, type Format, type Language, type Translate } from './i18n';
import { findSession, type PortalSession } from './sessions';

/** Built once per app: what the portal's routers share. */
export interface PortalSetup {
  deps: ApiDeps;
  branding: PortalBranding;
  signIn: SignInThrottles;
  cookies: CookiePolicy;
  /** Replaces the portal's Content-Security-Policy on the page that mounts Stripe's Payment Element. */
  hostedElementPolicy: RequestHandler;
}

export interface PortalContext {
  branding: PortalBranding;
  language: Language;
  t: Translate;
  fmt: Format;
  session: PortalSession | null;
  /** From now on the page speaks the customer's language (their billing profile's), if they chose one. */
  speakTo(customer: Customer): void;
  /** From now on the page speaks `language` (a quote's, for a customer who has no account yet). */
  speakIn(language: Language): void;
  /**
   * What this request's forms are bound to: the session, or else the visitor cookie. `create`
   * gives a visitor without one a new cookie (a page with a form); otherwise it is null (a POST
   * from a browser that never loaded the form).
   */
  csrfBinding(create: boolean): CsrfBinding | null;
}

export function portalOf(res: Response): PortalContext {
  const context = res.locals.portal as PortalContext | undefined;
  if (!context) throw new Error('the portal context middleware did not run');
  return context;
}

export function newContext(setup: PortalSetup, req: Request, res: Response, session: PortalSession | null): PortalContext {
  const accept = req.get('accept-language');
  // Read once, or created once: every form of one page must be bound to the same visitor.
  let visitor = readCookie(req, setup.cookies, 'visitor');
  const speak = (language: Language) => ({ language, t: translator(language), fmt: formatter(language) });
  const context: PortalContext = {
    branding: setup.branding,
    ...speak(chooseLanguage(session ? billingProfileOf(session.customer)?.language : null, accept)),
    session,
    speakTo(customer) {
      Object.assign(context, speak(chooseLanguage(billingProfileOf(customer)?.language, accept)));
    },
    speakIn(language) {
      Object.assign(context, speak(language));
    },
    csrfBinding(create) {
      if (context.session) return { key: context.session.csrfSecret, subject: `session|${context.session.id}` };
      if (!visitor && !create) return null;
      if (!visitor) {
        visitor = randomBytes(16).toString('base64url');
        setCookie(res, setup.cookies, 'visitor', visitor);
      }
      return { key: setup.deps.links.secret, subject: `visitor|${visitor}` };
    },
  };
  return context;
}

export function portalContext(setup: PortalSetup): RequestHandler {
  return async (req, res, next) => {
    const cookie = readCookie(req, setup.cookies, 'session');
    const session = cookie ? await findSession(setup.deps.prisma, cookie, await setup.deps.clock()) : null;
    res.locals.portal = newContext(setup, req, res, session);
    next();
  };
}
