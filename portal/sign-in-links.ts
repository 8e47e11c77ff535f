// Sign-in by email link. The link's token is `<row id>.<HMAC of the id>` (infra/links.ts): the
// database keeps only its SHA-256, and the email is rendered from the id when it is sent, so
// neither the PortalSignInToken row nor the outbox's EmailMessage row holds a usable token. A link
// works once, for 15 minutes of the API's clock: the statement that checks it also marks it used.
import { randomBytes } from 'node:crypto';
import type { ApiDeps } from '../api/deps';
import { queueOutboxEmail } from '../activities/email-outbox';
import type { EmailIntent } from '../domain/effects';
import { renderEmail } from '../emails/templates';
import { portalSignInToken, portalSignInTokenId } from '../infra/links';
import type { Customer } from '../prisma/generated/client';
import type { Language } from './i18n';
import { hashToken } from './sessions';

export const SIGN_IN_LINK_MINUTES = 15;

export interface SignInRequest {
  customer: Customer;
  language: Language;
  portalName: string;
  /** The page to land on after signing in. */
  next: string | null;
  now: Date;
}

/** Records a new link and queues its email through the outbox (one delivery workflow, as every email). */
export async function emailSignInLink(deps: ApiDeps, { customer, language, portalName, next, now }: SignInRequest): Promise<void> {
  const id = `psi_${randomBytes(16).toString('hex')}`;
  await deps.prisma.portalSignInToken.create({
    data: {
      id,
      tokenHash: hashToken(portalSignInToken(deps.links, id)),
      customerId: customer.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000),
    },
  });
  const intent: EmailIntent = {
    key: `portal-sign-in/${id}`,
    to: customer.email,
    customerName: customer.name,
    subscriptionId: null,
    content: { template: 'portal_sign_in', tokenId: id, language, portalName, validMinutes: SIGN_IN_LINK_MINUTES, next },
  };
  await queueOutboxEmail(
    { prisma: deps.prisma, temporal: { client: deps.temporal, taskQueue: deps.taskQueue } },
    { intent, subject: () => renderEmail(intent).subject, at: now, customerId: customer.id },
  );
}

/** Unused, unexpired and signed by us; asking changes nothing (the link's page is a GET). */
export async function signInLinkUsable({ prisma, links }: ApiDeps, token: string, now: Date): Promise<boolean> {
  const id = portalSignInTokenId(links, token);
  if (!id) return false;
  const row = await prisma.portalSignInToken.findUnique({ where: { id } });
  return row !== null && row.tokenHash === hashToken(token) && row.usedAt === null && row.expiresAt > now;
}

/** Uses the link: the customer it signs in, or null if it is not usable (any more). */
export async function useSignInLink({ prisma, links }: ApiDeps, token: string, now: Date): Promise<string | null> {
  const id = portalSignInTokenId(links, token);
  if (!id) return null;
  const [used] = await prisma.portalSignInToken.updateManyAndReturn({
    where: { id, tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
    select: { customerId: true },
  });
  return used?.customerId ?? null;
}
