// Reading a form POST: its CSRF token first, so a forged or stale form is a 403 before any field
// is read or anything changes; then its fields, by a zod schema. Every form template writes
// `<%~ it.csrfField(purpose) %>` with the same purpose its route reads it with.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { portalOf } from './context';
import { CSRF_FIELD, csrfValid } from './csrf';
import { formRefused } from './errors';

function fields(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** The form's fields, once its CSRF token is valid for `purpose`. */
export function checkedForm(req: Request, res: Response, purpose = ''): Record<string, unknown> {
  const form = fields(req);
  const binding = portalOf(res).csrfBinding(false);
  if (!binding || !csrfValid(binding, purpose, form[CSRF_FIELD])) throw formRefused();
  return form;
}

/** The form's fields by `schema` (the route shows what is wrong), once its CSRF token is valid. */
export function readForm<S extends z.ZodType>(req: Request, res: Response, schema: S, purpose = ''): z.ZodSafeParseResult<z.infer<S>> {
  return schema.safeParse(checkedForm(req, res, purpose));
}
