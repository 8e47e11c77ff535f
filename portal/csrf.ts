// CSRF tokens of portal forms, without storage (the synchronizer-token pattern, derived): an HMAC
// over whom the form was made for. A signed-in customer's forms are keyed by the session's own
// secret; before sign-in, by LINK_SIGNING_SECRET over the visitor cookie, a random id this browser
// holds. `purpose` binds a token to one page (an offer), so it works on no other.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CSRF_FIELD = '_csrf';

export interface CsrfBinding {
  key: string;
  subject: string;
}

export function csrfToken(binding: CsrfBinding, purpose = ''): string {
  return createHmac('sha256', binding.key).update(`csrf|${binding.subject}|${purpose}`).digest('base64url');
}

export function csrfValid(binding: CsrfBinding, purpose: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(binding, purpose));
  const sent = Buffer.from(given);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
