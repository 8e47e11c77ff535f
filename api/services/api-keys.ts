// API key management: create, list, revoke, rotate. A key's secret exists in one answer only (the
// create or rotate that issued it); the table holds its SHA-256 hash (api/auth-keys.ts).
import type { ApiKey, Prisma } from '../../prisma/generated/client';
import { grants, isScope, newKeyRow } from '../auth-keys';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound } from '../problem';
import type { CreateApiKeyBody } from '../schemas/api-keys';
import type { PageQuery } from '../schemas/reads';
import { keyset, toPage, type Page } from './pagination';

export function apiKeyView(row: ApiKey) {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    scopes: row.scopes.filter(isScope),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    replacedBy: row.replacedById,
  };
}

export type ApiKeyView = ReturnType<typeof apiKeyView>;

/** The view and, this once, the key itself. */
function issued(row: ApiKey, key: string) {
  return { ...apiKeyView(row), key };
}

export async function createKey(deps: ApiDeps, body: CreateApiKeyBody) {
  const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
  if (expiresAt && expiresAt <= (await deps.clock())) throw invalid([{ field: 'expiresAt', message: 'must be in the future' }]);
  const { key, data } = newKeyRow({ name: body.name, scopes: body.scopes, expiresAt });
  return issued(await deps.prisma.apiKey.create({ data }), key);
}

/** Oldest first, revoked and expired keys included: the list is where unused keys are spotted. */
export async function listKeys({ prisma }: ApiDeps, query: PageQuery): Promise<Page<ApiKeyView>> {
  const { where, orderBy } = keyset(query.cursor, 'asc');
  const rows = await prisma.apiKey.findMany({ where, orderBy, take: query.limit + 1 });
  return toPage(rows, query.limit, apiKeyView);
}

const usable = (row: ApiKey, now: Date) => row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now);

async function keyOr404(tx: Prisma.TransactionClient, id: string): Promise<ApiKey> {
  const row = await tx.apiKey.findUnique({ where: { id } });
  if (!row) throw notFound(`no API key ${id}`);
  return row;
}

/**
 * A key never cuts off the caller using it in one request: it cannot revoke itself, and rotating
 * itself leaves it usable at least this long. A script with a wrong id, or a client that rotates
 * and loses the answer, would otherwise lock itself (and, with the last other admin key gone,
 * everyone) out of the API; another admin key can still do either at once.
 */
export const SELF_ROTATION_MIN_OVERLAP_SECONDS = 3600;

/**
 * Soft: the row stays (the audit log names its prefix) with revokedAt set, and the next request
 * with the key is a 401. Revoking the last usable admin key is refused: nobody could then manage
 * keys through the API again. The usable admin keys are locked while counting, so two concurrent
 * revocations of the last two cannot both pass.
 */
export async function revokeKey(deps: ApiDeps, id: string, callerKeyId: string | null): Promise<ApiKeyView> {
  const now = await deps.clock();
  return deps.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "ApiKey" WHERE 'admin' = ANY(scopes) AND "revokedAt" IS NULL FOR UPDATE`;
    const row = await keyOr404(tx, id);
    if (row.revokedAt !== null) return apiKeyView(row);
    if (id === callerKeyId) throw conflict('a key cannot revoke itself: revoke it with another admin key');
    if (usable(row, now) && grants(row.scopes, 'admin')) {
      const admins = await tx.apiKey.findMany({ where: { id: { not: id }, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
      if (!admins.some((other) => grants(other.scopes, 'admin'))) {
        throw conflict('this is the last usable admin key: create another admin key before revoking it');
      }
    }
    return apiKeyView(await tx.apiKey.update({ where: { id }, data: { revokedAt: now } }));
  });
}

/**
 * Issues a key with the same name and scopes (and creation-time expiry) and lets the old one run
 * until the overlap ends, so clients can be redeployed with the new key without an outage.
 */
export async function rotateKey(deps: ApiDeps, id: string, overlapSeconds: number, callerKeyId: string | null) {
  const now = await deps.clock();
  return deps.prisma.$transaction(async (tx) => {
    // Locked, so two concurrent rotations do not both issue a replacement.
    await tx.$queryRaw`SELECT id FROM "ApiKey" WHERE id = ${id} FOR UPDATE`;
    const old = await keyOr404(tx, id);
    if (old.replacedById !== null) throw conflict(`this key was already rotated; rotate its replacement ${old.replacedById}`);
    if (!usable(old, now)) throw conflict('a revoked or expired key cannot be rotated: create a new key');
    if (id === callerKeyId && overlapSeconds < SELF_ROTATION_MIN_OVERLAP_SECONDS) {
      throw conflict(
        `a key rotating itself stays usable at least ${SELF_ROTATION_MIN_OVERLAP_SECONDS} s (overlapSeconds), time to switch to its replacement; to cut it off sooner, rotate or revoke it with another admin key`,
      );
    }
    const { key, data } = newKeyRow({ name: old.name, scopes: old.scopes.filter(isScope), expiresAt: old.expiresAt });
    const created = await tx.apiKey.create({ data });
    const overlapEnd = new Date(now.getTime() + overlapSeconds * 1000);
    const expiresAt = old.expiresAt !== null && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
    const previous = await tx.apiKey.update({ where: { id }, data: { expiresAt, replacedById: created.id } });
    return { ...issued(created, key), previous: apiKeyView(previous) };
  });
}
