// Webhook signatures: `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
// with one `v1=` per signing secret (two while a rotated secret's overlap window lasts).
// The timestamp is signed with the body, so a captured request cannot be replayed once it is older
// than the receiver's tolerance. verifyWebhookSignature is self-contained (node:crypto only): the
// README shows it as the snippet receivers copy.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Webhook-Signature';

/** The header value for `rawBody` signed at `now` with each of `secrets` (the current one first). */
export function signWebhook(secrets: string | readonly string[], rawBody: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  const v1 = [secrets].flat().map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`);
  return [`t=${t}`, ...v1].join(',');
}

/**
 * True when `header` signs exactly `rawBody` (the bytes received, before any JSON parsing) with
 * `secret` (or any of several, while a receiver moves to a rotated one), and its timestamp is
 * within `toleranceSeconds` of `now`.
 */
export function verifyWebhookSignature(
  secret: string | readonly string[],
  header: string | undefined,
  rawBody: string | Buffer,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value as string);
  if (!t || !/^\d+$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(now.getTime() / 1000 - Number(t)) > toleranceSeconds) return false;
  return [secret].flat().some((key) => {
    const expected = createHmac('sha256', key).update(`${t}.`).update(rawBody).digest();
    return signatures.some((signature) => {
      const given = Buffer.from(signature, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  });
}
