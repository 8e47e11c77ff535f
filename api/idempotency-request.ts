// What makes two requests "the same" for Idempotency-Key: method, path, query and body, with
// object keys sorted so that {"a":1,"b":2} and {"b":2,"a":1} are one request.
import { createHash } from 'node:crypto';
import { invalid } from './problem';

/** Visible ASCII without spaces, up to 255 characters: a UUID fits, and so does a job-run id. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function parseIdempotencyKey(header: string): string {
  if (!KEY_PATTERN.test(header)) {
    throw invalid([{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters without spaces, e.g. a UUID' }]);
  }
  return header;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(method: string, path: string, query: unknown, body: unknown): string {
  return createHash('sha256')
    .update([method.toUpperCase(), path, canonicalJson(query), canonicalJson(body)].join('\n'))
    .digest('hex');
}
