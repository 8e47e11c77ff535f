// Pages are eta templates (portal/views/*.eta) inside one layout (views/layout.eta). Every template
// gets the same helpers besides its own data: `t` (the message catalogue in the page's language),
// `fmt` (Intl dates, money, numbers), `csrfField(purpose?)` (a form's hidden token), `brand`, `lang`,
// `signedIn` and `currentPath` (for aria-current). Output is HTML-escaped unless written `<%~`.
import path from 'node:path';
import type { Response } from 'express';
import { Eta } from 'eta';
import { portalOf } from './context';
import { CSRF_FIELD, csrfToken } from './csrf';

const eta = new Eta({ views: path.join(__dirname, 'views'), cache: true });

function helpers(res: Response) {
  const context = portalOf(res);
  return {
    t: context.t,
    fmt: context.fmt,
    lang: context.language,
    brand: context.branding,
    signedIn: context.session ? { email: context.session.customer.email } : null,
    currentPath: `${res.req.baseUrl}${res.req.path}`.replace(/(.)\/$/, '$1'),
    csrfField: (purpose = '') => `<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(context.csrfBinding(true)!, purpose)}">`,
  };
}

/** A page's own data; a name of a helper would hide the helper, so the compiler refuses it. */
export type PageData = { title: string } & Record<string, unknown> & { [name in keyof ReturnType<typeof helpers>]?: never };

/** Pages hold personal data and one-time tokens: no cache keeps them. */
export function renderPage(res: Response, view: string, data: PageData, status = 200): void {
  const html = eta.render(`./${view}`, { ...data, ...helpers(res) });
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}
