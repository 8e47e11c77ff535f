// Sign-in by email link, and sign-out. Asking for a link answers the same page whether or not the
// address is a customer's, after the same work (one lookup): the link is recorded and emailed after
// the answer. The link in the email opens a page whose button signs in (POST), so a mail scanner
// that fetches the link does not use it up.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { clientAddress } from '../../api/client-address';
import { requireCustomer, safeNext } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { clearCookie, readCookie, setCookie } from '../cookies';
import { linkInvalid, PortalError } from '../errors';
import { checkedForm, readForm } from '../forms';
import { renderPage } from '../render';
import { emailSignInLink, SIGN_IN_LINK_MINUTES, signInLinkUsable, useSignInLink } from '../sign-in-links';
import { endSession, SESSION_HOURS, startSession } from '../sessions';

const signInForm = z.object({ email: z.string().trim().pipe(z.email()), next: z.string().optional() });
const linkForm = z.object({ token: z.string().min(1).max(200), next: z.string().optional() });

/**
 * One more request counted; over the limit, a 429 page. A counter that fails even in memory lets
 * the request through (reported), as the API's throttles do: an outage must not lock customers out.
 */
async function take(limiter: RateLimiterAbstract, key: string, report: (error: unknown) => void): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) return report(error);
    throw new PortalError(429, 'tooMany', Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
  }
}

export function signInRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();
  const report = deps.onUnexpectedError ?? ((error: unknown) => console.error(error));

  router.get('/sign-in', (req, res) => {
    if (portalOf(res).session) return res.redirect(303, safeNext(req.query.next) ?? '/portal');
    const { t } = portalOf(res);
    renderPage(res, 'sign-in', { title: t('signIn.title'), next: safeNext(req.query.next), email: '', error: null, signedOut: req.query['signed-out'] !== undefined });
  });

  router.post('/sign-in', async (req, res) => {
    const context = portalOf(res);
    const form = readForm(req, res, signInForm);
    const next = safeNext(req.body?.next);
    if (!form.success) {
      const email = typeof req.body?.email === 'string' ? req.body.email : '';
      return renderPage(res, 'sign-in', { title: context.t('signIn.title'), next, email, error: context.t('signIn.invalidEmail'), signedOut: false }, 400);
    }
    const { email } = form.data;
    await take(setup.signIn.address, clientAddress(req), report);
    // Counted for every address asked for, known or not, and never stored in clear.
    await take(setup.signIn.email, createHash('sha256').update(email.toLowerCase()).digest('hex'), report);
    // As typed, or in lower case: two lookups in the unique index, never a scan of all customers.
    const customer = await deps.prisma.customer.findFirst({ where: { email: { in: [...new Set([email, email.toLowerCase()])] } } });
    renderPage(res, 'sign-in-sent', { title: context.t('signIn.sentTitle'), email, minutes: SIGN_IN_LINK_MINUTES });
    if (!customer) return;
    context.speakTo(customer);
    const request = { customer, language: context.language, portalName: setup.branding.name, next, now: await deps.clock() };
    await emailSignInLink(deps, request).catch(report);
  });

  router.get('/sign-in/link', async (req, res) => {
    const { t } = portalOf(res);
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await signInLinkUsable(deps, token, await deps.clock()))) {
      return renderPage(res, 'sign-in-link-invalid', { title: t('signIn.linkInvalidTitle'), minutes: SIGN_IN_LINK_MINUTES }, 403);
    }
    renderPage(res, 'sign-in-link', { title: t('signIn.linkTitle', { name: setup.branding.name }), token, next: safeNext(req.query.next) });
  });

  router.post('/sign-in/link', async (req, res) => {
    const form = readForm(req, res, linkForm);
    const now = await deps.clock();
    const customerId = form.success ? await useSignInLink(deps, form.data.token, now) : null;
    if (!customerId) throw linkInvalid();
    // A new session every time: a session id planted before sign-in is never promoted.
    const previous = readCookie(req, setup.cookies, 'session');
    if (previous) await endSession(deps.prisma, previous);
    setCookie(res, setup.cookies, 'session', await startSession(deps.prisma, customerId, now), SESSION_HOURS * 3_600_000);
    res.redirect(303, safeNext(form.data?.next) ?? '/portal');
  });

  router.post('/sign-out', requireCustomer(), async (req, res) => {
    checkedForm(req, res);
    await endSession(deps.prisma, readCookie(req, setup.cookies, 'session') ?? '');
    clearCookie(res, setup.cookies, 'session');
    res.redirect(303, '/portal/sign-in?signed-out');
  });

  return router;
}
