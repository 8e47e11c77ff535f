// Sessions of signed-in customers. The cookie holds 32 random bytes; the database holds only their
// SHA-256, so a copy of the database signs nobody in. Each session has its own CSRF secret.
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../prisma/generated/client';

export const SESSION_HOURS = 12;

export const randomToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session and returns its cookie value; expired sessions and sign-in links are deleted on the way. */
export async function startSession(prisma: PrismaClient, customerId: string, now: Date): Promise<string> {
  const token = randomToken();
  await prisma.$transaction([
    prisma.portalSession.deleteMany({ where: { expiresAt: { lt: now } } }),
    prisma.portalSignInToken.deleteMany({ where: { expiresAt: { lt: now } } }),
    prisma.portalSession.create({
      data: {
        id: `pss_${randomBytes(12).toString('hex')}`,
        tokenHash: hashToken(token),
        customerId,
        csrfSecret: randomToken(),
        createdAt: now,
        expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
      },
    }),
  ]);
  return token;
}

/** The live session a cookie names, with its customer; null when unknown or expired. */
export async function findSession(prisma: PrismaClient, token: string, now: Date) {
  const session = await prisma.portalSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { customer: true } });
  return session && session.expiresAt > now ? session : null;
}

export type PortalSession = NonNullable<Awaited<ReturnType<typeof findSession>>>;

export async function endSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.portalSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}
