// API keys and audit events as api/routes/api-keys.ts and api/routes/audit-events.ts answer them.
import { z } from 'zod';
import { SCOPES } from '../../auth-keys';
import type { ApiKeyView } from '../../services/api-keys';
import type { AuditEventView } from '../../services/audit-events';
import { timestamp, type Conforms } from './common';

export const apiKey = z.strictObject({
  id: z.string().describe('`key_` and 16 hex digits'),
  prefix: z.string().describe('The 12 hex digits after `sek_` in the key: how logs and the audit log name it'),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable().describe('Updated at most once a minute per key'),
  expiresAt: timestamp.nullable().describe('Refused from this instant on (set by a rotation to the end of its overlap)'),
  revokedAt: timestamp.nullable(),
  replacedBy: z.string().nullable().describe('The key a rotation issued in its place'),
});

export const issuedApiKey = z.strictObject({
  ...apiKey.shape,
  key: z.string().describe('`sek_<prefix>_<secret>`: shown only in this answer, never again (only its hash is stored)'),
});

export const rotatedApiKey = z.strictObject({
  ...issuedApiKey.shape,
  previous: apiKey.describe('The rotated key, now expiring at the end of the overlap'),
});

export const auditEvent = z.strictObject({
  id: z.string(),
  at: timestamp,
  actorType: z.enum(['api_key', 'customer', 'system']),
  actor: z.string().describe("The key's prefix, or the customer's id for a signed customer link"),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().describe('Without the query string'),
  subscriptionId: z.string().nullable(),
  updateId: z.string().nullable().describe('The Temporal update id the command was sent with (requests with an Idempotency-Key)'),
  outcome: z.number().int().describe('The HTTP status of the answer'),
  requestId: z.string().describe('The `x-request-id` of the request, as in the request log'),
  ip: z.string().nullable(),
});

type _ApiKey = Conforms<ApiKeyView, z.output<typeof apiKey>>;
// method is a string in the table; only mutating methods are ever written (api/audit.ts).
type _AuditEvent = Conforms<Omit<AuditEventView, 'method'>, Omit<z.output<typeof auditEvent>, 'method'>>;
