// Errors as pages in the visitor's language, never problem+json: 403 for a form without a valid
// CSRF token or a bad link, 404 for anything that is not the customer's, and the API's own
// mapping (api/errors.ts) for refusals, declines and outages.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toProblem } from '../api/errors';
import { newContext, portalOf, type PortalSetup } from './context';
import type { MessageKey } from './i18n';
import { renderPage } from './render';

export type ErrorKind = 'notFound' | 'forbidden' | 'linkInvalid' | 'tooMany' | 'conflict' | 'declined' | 'badRequest' | 'unavailable' | 'internal';

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${kind}`);
  }
}

/** Another customer's id is answered exactly as one that does not exist. */
export const pageNotFound = () => new PortalError(404, 'notFound');
/** A form without a valid CSRF token: refused before anything is read or changed. */
export const formRefused = () => new PortalError(403, 'forbidden');
export const linkInvalid = () => new PortalError(403, 'linkInvalid');

const KIND_BY_STATUS: Record<number, ErrorKind> = { 400: 'badRequest', 402: 'declined', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 413: 'badRequest', 415: 'badRequest', 429: 'tooMany', 503: 'unavailable' };

function asPortalError(error: unknown): PortalError {
  if (error instanceof PortalError) return error;
  const problem = toProblem(error);
  const retryAfter = typeof problem.extensions.retryAfterSeconds === 'number' ? problem.extensions.retryAfterSeconds : undefined;
  return new PortalError(problem.status, KIND_BY_STATUS[problem.status] ?? 'internal', retryAfter);
}

export function portalNotFound(): RequestHandler {
  return (_req, _res, next) => next(pageNotFound());
}

export function portalErrors(setup: PortalSetup): ErrorRequestHandler {
  const onUnexpected = setup.deps.onUnexpectedError ?? ((error: unknown) => console.error(error));
  return (error, req, res, _next) => {
    if (res.headersSent) {
      onUnexpected(error);
      res.destroy();
      return;
    }
    const failure = asPortalError(error);
    if (failure.status >= 500) onUnexpected(error);
    res.locals.portal ??= newContext(setup, req, res, null);
    if (failure.retryAfterSeconds !== undefined) res.set('Retry-After', String(failure.retryAfterSeconds));
    const { t } = portalOf(res);
    const minutes = Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 60) / 60));
    const title = t(`error.${failure.kind}.title` as MessageKey);
    renderPage(res, 'error', { title, message: t(`error.${failure.kind}` as MessageKey, { minutes }) }, failure.status);
  };
}
