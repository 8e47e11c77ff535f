// API keys: `sek_<prefix>_<secret>`. The prefix (public, unique) finds the row; only a SHA-256
// hash of the whole key is stored, so a database leak does not leak usable keys.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../prisma/generated/client';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** admin ⊇ write ⊇ read: a key may do what its highest scope allows. */
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function grants(scopes: readonly string[], needed: Scope): boolean {
  return scopes.some((scope) => isScope(scope) && RANK[scope] >= RANK[needed]);
}

/** The highest scope a key holds, for messages ("the key has read"). */
export function highestScope(scopes: readonly string[]): Scope | undefined {
  return scopes.filter(isScope).sort((a, b) => RANK[b] - RANK[a])[0];
}

// 6 bytes of prefix tell keys apart in lists; the 32 random bytes of secret are what protects.
const KEY_PATTERN = /^sek_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `sek_${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** The prefix of a well-formed key, or undefined. */
export function prefixOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Constant-time comparison of the presented key's hash with the stored one. */
export function matchesHash(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** The only time the full key exists outside the client: it is not stored. */
  key: string;
}

export interface NewKeyOptions {
  name: string;
  scopes: readonly Scope[];
  expiresAt?: Date | null;
}

/** The row to insert for a new key, and the key itself (returned to the caller once). */
export function newKeyRow(options: NewKeyOptions) {
  if (options.scopes.length === 0) throw new Error('an API key needs at least one scope');
  const { key, prefix } = generateKey();
  const scopes = [...new Set(options.scopes)];
  const id = `key_${randomBytes(8).toString('hex')}`;
  return { key, data: { id, name: options.name, prefix, secretHash: hashKey(key), scopes, expiresAt: options.expiresAt ?? null } };
}

export async function createApiKey(prisma: PrismaClient, options: NewKeyOptions): Promise<CreatedKey> {
  const { key, data } = newKeyRow(options);
  await prisma.apiKey.create({ data });
  return { id: data.id, name: data.name, prefix: data.prefix, scopes: data.scopes, key };
}
