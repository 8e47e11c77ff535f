// Signed links in customer emails. Every one opens a portal page (GET, which changes nothing) whose
// button does the action (POST), so a mail scanner that fetches links cannot accept an offer or use
// up a sign-in link.
//  - an offer: whoever holds the link may accept or decline that one offer until it expires;
//  - a sign-in link: the token is derived from the PortalSignInToken row's id, so the email can be
//    rendered when it is sent while the database keeps only the token's hash (portal/sign-in-links.ts);
//  - a quote: the token is derived from the quote's id in the same way, and the Quote row keeps only
//    its hash once the quote is sent (api/services/quotes.ts); whoever holds it may accept the quote.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkSigning {
  /** Where customers reach the API and the portal, e.g. https://billing.example.com */
  publicUrl: string;
  secret: string;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function base(signing: LinkSigning): string {
  return signing.publicUrl.replace(/\/$/, '');
}

export function signOfferToken(signing: LinkSigning, subscriptionId: string, offerId: string, expiresAt: string): string {
  const expires = String(new Date(expiresAt).getTime());
  return `${expires}.${mac(signing.secret, `offer|${subscriptionId}|${offerId}|${expires}`)}`;
}

export function verifyOfferToken(signing: LinkSigning, token: string, subscriptionId: string, offerId: string, now: Date): boolean {
  const [expires, signature] = token.split('.');
  if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) < now.getTime()) return false;
  return sameText(signature, mac(signing.secret, `offer|${subscriptionId}|${offerId}|${expires}`));
}

/** The offer's page in the portal (portal/routes/offers.ts), with Accept and Decline buttons. */
export function offerPagePath(signing: LinkSigning, subscriptionId: string, offerId: string, expiresAt: string): string {
  const token = signOfferToken(signing, subscriptionId, offerId, expiresAt);
  return `/portal/offers/${encodeURIComponent(subscriptionId)}/${encodeURIComponent(offerId)}?token=${token}`;
}

export function offerPageLink(signing: LinkSigning, subscriptionId: string, offerId: string, expiresAt: string): string {
  return `${base(signing)}${offerPagePath(signing, subscriptionId, offerId, expiresAt)}`;
}

export function portalSignInToken(signing: LinkSigning, tokenId: string): string {
  return `${tokenId}.${mac(signing.secret, `portal-sign-in|${tokenId}`)}`;
}

/** The row id of a sign-in token whose signature holds; undefined for anything else. */
export function portalSignInTokenId(signing: LinkSigning, token: string): string | undefined {
  const [tokenId, signature, ...rest] = token.split('.');
  if (!tokenId || !signature || rest.length > 0) return undefined;
  return sameText(signature, mac(signing.secret, `portal-sign-in|${tokenId}`)) ? tokenId : undefined;
}

/** `next`: the portal page to land on after signing in (a deep link); the overview when null. */
export function portalSignInLink(signing: LinkSigning, tokenId: string, next: string | null): string {
  const query = new URLSearchParams({ token: portalSignInToken(signing, tokenId), ...(next ? { next } : {}) });
  return `${base(signing)}/portal/sign-in/link?${query.toString()}`;
}

/** A portal page; one that needs a signed-in customer sends others through sign-in first and back. */
export function portalLink(signing: LinkSigning, path = '/portal'): string {
  return `${base(signing)}${path}`;
}

/**
 * A subscription's payment-method form in the portal, for emails about a failing card. A path of
 * its own rather than the page's `#payment-method` anchor: a browser never sends an anchor, so the
 * sign-in that a signed-out customer goes through could not bring them back to it.
 */
export function paymentMethodPath(subscriptionId: string): string {
  return `/portal/subscriptions/${encodeURIComponent(subscriptionId)}/payment-method`;
}

export function quoteToken(signing: LinkSigning, quoteId: string): string {
  return `${quoteId}.${mac(signing.secret, `quote|${quoteId}`)}`;
}

/** The quote id of a token whose signature holds; undefined for anything else. */
export function quoteTokenId(signing: LinkSigning, token: string): string | undefined {
  const [quoteId, signature, ...rest] = token.split('.');
  if (!quoteId || !signature || rest.length > 0) return undefined;
  return sameText(signature, mac(signing.secret, `quote|${quoteId}`)) ? quoteId : undefined;
}

/** The quote's page in the portal (portal/routes/quotes.ts), with its Accept button. */
export function quotePagePath(signing: LinkSigning, quoteId: string): string {
  return `/portal/quotes/${quoteToken(signing, quoteId)}`;
}

export function quotePageLink(signing: LinkSigning, quoteId: string): string {
  return `${base(signing)}${quotePagePath(signing, quoteId)}`;
}
