// Pages are eta templates (portal/views/*.eta) inside one layout (views/layout.eta). Every template
// gets the same helpers besides its own data: `t` (the message catalogue in the page's language),
// `fmt` (Intl dates, money, numbers), `csrfField(purpose?)` (a form's hidden token), `brand`, `lang`,
// `signedIn` and `current` (the path, for aria-current). Output is HTML-escaped unless written `<%~`.
import path from 'node:path';
import type { Response } from 'express';
import { Eta } from 'eta';
import { portalOf } from './context';
import { CSRF_FIELD, csrfToken } from './csrf';

const eta = new Eta({ views: path.join(__dirname, 'views'), cache: true });

/** Pages hold personal data and one-time tokens: no cache keeps them. */
export function renderPage(res: Response, view: string, data: { title: string } & Record<string, unknown>, status = 200): void {
  const context = portalOf(res);
  const html = eta.render(`./${view}`, {
    ...data,
    t: context.t,
    fmt: context.fmt,
    lang: context.language,
    brand: context.branding,
    signedIn: context.session ? { email: context.session.customer.email } : null,
    current: `${res.req.baseUrl}${res.req.path}`.replace(/(.)\/$/, '$1'),
    csrfField: (purpose = '') => `<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(context.csrfBinding(true)!, purpose)}">`,
  });
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}
