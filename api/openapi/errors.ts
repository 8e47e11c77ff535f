// The error answers of one endpoint, derived from what runs before and around its handler: the
// access policy (401/403), body parsing (400/413/415), Idempotency-Key (409/422), the rate limit
// (429) and the error middleware (500/503). Only what depends on the endpoint itself is declared
// with it (400 reasons, 402, 404, 409). A 405 (api/allowed-methods.ts) is the answer to a method
// that no operation has, so no operation lists it: the document's description says it once.
import type { Access } from '../auth-policy';
import { idempotent, type Endpoint, type HeaderName } from './endpoint';

export interface ErrorAnswer {
  status: number;
  description: string;
  headers?: HeaderName[];
}

function badRequest(endpoint: Endpoint): string | undefined {
  const checked = [endpoint.params && 'path', endpoint.query && 'query', endpoint.body && 'body'].filter(Boolean);
  const reasons = [
    endpoint.errors?.[400] ?? (checked.length > 0 ? `The ${checked.join(' or ')} is not valid` : undefined),
    endpoint.body && 'the body is not JSON',
    idempotent(endpoint) && 'the Idempotency-Key header is malformed',
  ].filter((reason): reason is string => typeof reason === 'string');
  if (reasons.length === 0) return undefined;
  return `${reasons.join('; or ')}. \`errors\` names each invalid field.`;
}

function unauthorized(access: Access): string | undefined {
  if (access.kind === 'public' || access.kind === 'signed' || access.kind === 'portal') return undefined;
  if (access.kind === 'link') return 'Neither an API key nor a link token was sent, or the key is not valid';
  return 'No API key was sent, or the key is not valid, has been revoked or has expired';
}

function forbidden(access: Access): string | undefined {
  if (access.kind === 'link') return 'The link token is invalid or has expired, or the API key lacks the `write` scope';
  if (access.kind === 'key' && access.scope !== 'read') return `The API key lacks the \`${access.scope}\` scope (\`requiredScope\` says which)`;
  return undefined;
}

function conflict(endpoint: Endpoint): string | undefined {
  const reasons = [endpoint.errors?.[409], idempotent(endpoint) && 'a request with this Idempotency-Key is still running (retry after `Retry-After`)'];
  const text = reasons.filter((reason): reason is string => typeof reason === 'string').join('; or ');
  return text === '' ? undefined : text;
}

function tooManyRequests(access: Access): Array<[number, string, HeaderName[]]> {
  if (access.kind === 'public') return [];
  if (access.kind === 'signed') return [[429, 'Over the rate limit of the client address', ['RetryAfter']]];
  return [[429, 'Over a rate limit: of the client address, of this API key, or the wrong secrets allowed for this API key from the address', ['RetryAfter', 'RateLimitLimit', 'RateLimitRemaining']]];
}

export function errorAnswers(endpoint: Endpoint, access: Access): ErrorAnswer[] {
  const declared = new Set(endpoint.answers.map((answer) => answer.status));
  const post = idempotent(endpoint);
  const candidates: Array<[number, string | undefined | false, HeaderName[]?]> = [
    [400, badRequest(endpoint)],
    [401, unauthorized(access), ['WWWAuthenticate']],
    [402, endpoint.errors?.[402]],
    [403, forbidden(access), ['WWWAuthenticate']],
    [404, endpoint.errors?.[404]],
    [409, conflict(endpoint), post ? ['RetryAfter'] : []],
    [413, endpoint.inbound ? `The body is over ${endpoint.inbound.limit}` : endpoint.body !== undefined && 'The body is over 100 kB'],
    [415, endpoint.body !== undefined && 'The body is not `application/json`'],
    [422, post && 'The Idempotency-Key was already used for a different request (method, path, query or body)'],
    ...tooManyRequests(access),
    [500, 'An unexpected error; the details are logged, not returned'],
    [503, !endpoint.alwaysAnswers && 'The database or Temporal did not answer in time: retry after `Retry-After`', ['RetryAfter']],
  ];
  return candidates
    .filter((candidate): candidate is [number, string, HeaderName[]?] => typeof candidate[1] === 'string' && !declared.has(candidate[0]))
    .map(([status, description, headers]) => ({ status, description, ...(headers && headers.length > 0 ? { headers } : {}) }));
}
