// Signed, expiring tokens for links in customer emails (accept an offer): whoever holds the link
// may act on that one offer until it expires, without an API key.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkSigning {
  /** Where customers reach the API, e.g. https://billing.example.com */
  publicUrl: string;
  secret: string;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signOfferToken(signing: LinkSigning, subscriptionId: string, offerId: string, expiresAt: string): string {
  const expires = String(new Date(expiresAt).getTime());
  return `${expires}.${mac(signing.secret, `offer|${subscriptionId}|${offerId}|${expires}`)}`;
}

export function verifyOfferToken(signing: LinkSigning, token: string, subscriptionId: string, offerId: string, now: Date): boolean {
  const [expires, signature] = token.split('.');
  if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) < now.getTime()) return false;
  const expected = Buffer.from(mac(signing.secret, `offer|${subscriptionId}|${offerId}|${expires}`));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function offerAcceptLink(signing: LinkSigning, subscriptionId: string, offerId: string, expiresAt: string): string {
  const token = signOfferToken(signing, subscriptionId, offerId, expiresAt);
  return `${signing.publicUrl.replace(/\/$/, '')}/subscriptions/${encodeURIComponent(subscriptionId)}/offers/${encodeURIComponent(offerId)}/accept?token=${token}`;
}
