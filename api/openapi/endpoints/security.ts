// API keys and the audit log (api/routes/api-keys.ts, api/routes/audit-events.ts).
import { apiKeyParams, createApiKeyBody, DEFAULT_OVERLAP_SECONDS, MAX_OVERLAP_SECONDS, rotateApiKeyBody } from '../../schemas/api-keys';
import { auditEventsQuery } from '../../schemas/audit-events';
import { pageQuery } from '../../schemas/reads';
import { page } from '../../schemas/responses/common';
import { apiKey, auditEvent, issuedApiKey, rotatedApiKey } from '../../schemas/responses/security';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

const KEY_ID = { id: 'key_0123456789abcdef' };
const NO_KEY = 'No API key has this id';
const PAGE_FIELDS = { cursor: '`nextCursor` of the previous page', limit: '1-100, default 20' };

export const securityEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    tag: 'security',
    summary: 'Create an API key',
    description: 'The answer carries the key; it is never shown again (only its SHA-256 hash is stored).',
    body: createApiKeyBody,
    example: { name: 'CRM sync', scopes: ['write'] },
    fields: { scopes: 'Any of read, write, admin (admin ⊇ write ⊇ read)', expiresAt: 'Refused from this instant on; omitted: until revoked' },
    answers: [{ status: 201, description: 'Created; `Location` names the key', schema: issuedApiKey, headers: ['Location'] }],
    errors: { 400: 'The body is not valid, or `expiresAt` is not in the future' },
  },
  {
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    tag: 'security',
    summary: 'API keys',
    description: 'Oldest first, revoked and expired keys included. Never the key or its hash.',
    query: pageQuery,
    queryExample: { limit: 20 },
    fields: PAGE_FIELDS,
    answers: [ok(page(apiKey), 'One page of keys')],
  },
  {
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    tag: 'security',
    summary: 'Revoke an API key',
    description: 'At once: the next request with the key is a 401. The key stays listed, with `revokedAt`.',
    params: apiKeyParams,
    paramExamples: KEY_ID,
    answers: [ok(apiKey, 'The revoked key (as it was, if already revoked)')],
    errors: { 404: NO_KEY, 409: 'It is the key this request is sent with (revoke it with another admin key), or the last usable admin key (create another one first)' },
  },
  {
    method: 'post',
    path: '/api-keys/:id/rotate',
    operationId: 'rotateApiKey',
    tag: 'security',
    summary: 'Rotate an API key',
    description: `Issues a key with the same name and scopes, shown once. The old key keeps working until the overlap ends (default ${DEFAULT_OVERLAP_SECONDS} s, at most ${MAX_OVERLAP_SECONDS} s), then is refused.`,
    params: apiKeyParams,
    paramExamples: KEY_ID,
    body: rotateApiKeyBody,
    optionalBody: true,
    example: { overlapSeconds: 3600 },
    fields: { overlapSeconds: `How long the old key keeps working, 0-${MAX_OVERLAP_SECONDS}` },
    answers: [{ status: 201, description: 'The new key; `Location` names it', schema: rotatedApiKey, headers: ['Location'] }],
    errors: { 404: NO_KEY, 409: 'The key is revoked, expired, or was already rotated; or it is the key this request is sent with and overlapSeconds is under 3600' },
  },
  {
    method: 'get',
    path: '/audit-events',
    operationId: 'listAuditEvents',
    tag: 'security',
    summary: 'The audit log',
    description:
      'Every POST, PUT, PATCH and DELETE by a known caller (an API key, or a customer link), refused ones included, newest first. Append-only: the database rejects changes to it.',
    query: auditEventsQuery,
    queryExample: { subscriptionId: 'sub_ada', limit: 20 },
    fields: {
      subscriptionId: 'Only requests about this subscription',
      actor: 'Only requests by this key prefix or customer id',
      from: 'At or after this instant',
      to: 'Before this instant',
      ...PAGE_FIELDS,
    },
    answers: [ok(page(auditEvent), 'One page of entries')],
  },
];
