// RFC 9457 problem details, the body of every error answer (built by api/problem.ts and
// api/errors.ts, served as application/problem+json).
import { z } from 'zod';
import { SCOPES } from '../../auth-keys';
import type { ProblemBody } from '../../problem';
import type { Conforms, DocumentedFields } from './common';

const fields = {
  type: z.string().describe('`/problems/<slug>`, e.g. `/problems/validation-error`, `/problems/conflict`'),
  title: z.string().describe('Short summary of the problem type'),
  status: z.number().int().min(400).max(599).describe('The HTTP status code'),
  detail: z.string().optional().describe('What went wrong with this request, for people'),
  instance: z.string().optional().describe('The request path and query'),
  errors: z
    .array(z.strictObject({ field: z.string().describe('Dotted path of the field, or `(body)`'), message: z.string() }))
    .optional()
    .describe('400: every invalid field'),
  requiredScope: z.enum(SCOPES).optional().describe('403: the scope the request needs'),
  retryAfterSeconds: z.number().int().optional().describe('429: seconds until a request is allowed again'),
  decline: z.unknown().optional().describe('402: the declined invoice and the decline code'),
  migrationId: z.string().optional().describe('409 on plan migrations: the migration still running'),
};

export const problem = z.looseObject(fields).describe('RFC 9457 problem details');

type _Problem = Conforms<Required<Pick<ProblemBody, 'type' | 'title' | 'status'>>, Pick<DocumentedFields<typeof fields>, 'type' | 'title' | 'status'>>;
