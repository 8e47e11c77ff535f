// Authentication and authorization, one middleware before every router: the policy
// (api/auth-policy.ts) says what a request needs, this checks the `Authorization: Bearer` key.
// Neither the key nor the header ever goes into an error, a log line or a response.
import type { Request, RequestHandler, Response } from 'express';
import { grants, highestScope, matchesHash, prefixOf, type Scope } from './auth-keys';
import { requiredAccess } from './auth-policy';
import { setAuditActor } from './audit';
import { isDatabaseUnavailable } from './database-unavailable';
import type { ApiDeps } from './deps';
import { ProblemError } from './problem';
import { cachedRead } from './read-cache';

export type Caller =
  | { kind: 'key'; id: string; name: string; prefix: string; scopes: string[] }
  /** No key: a public route, or a customer link whose signed token the route verifies. */
  | { kind: 'public' };

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? { kind: 'public' };
}

/** The id of the API key the request came with; null for a public or customer-link caller. */
export function callerKeyId(res: Response): string | null {
  const caller = callerOf(res);
  return caller.kind === 'key' ? caller.id : null;
}

/** The prefix of an existing key whose secret this request got wrong, if it did. */
export function guessedKeyPrefix(res: Response): string | undefined {
  return res.locals.guessedKeyPrefix as string | undefined;
}

const REALM = 'Bearer realm="subscription-engine"';
/** lastUsedAt is for spotting unused keys, not an audit log: one write a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * While the database is unreachable, a key row read from it in the last 10 minutes is used again,
 * so reads served by Temporal alone (GET /subscriptions/:id) keep working through an outage. A
 * revocation takes effect as soon as the database answers again.
 */
const OUTAGE_GRACE_MS = 10 * 60_000;

function unauthorized(res: Response, detail: string, invalidToken: boolean): ProblemError {
  // RFC 6750 §3: a challenge on every 401; error="invalid_token" when a key was sent but refused.
  res.set('WWW-Authenticate', invalidToken ? `${REALM}, error="invalid_token"` : REALM);
  return new ProblemError(401, 'unauthorized', detail, { title: 'Authentication required' });
}

function forbidden(res: Response, needed: Scope, scopes: string[]): ProblemError {
  res.set('WWW-Authenticate', `${REALM}, error="insufficient_scope", scope="${needed}"`);
  const has = highestScope(scopes) ?? 'no valid scope';
  return new ProblemError(403, 'forbidden', `this request needs an API key with the ${needed} scope; this key has ${has}`, {
    title: 'Not allowed',
    requiredScope: needed,
  });
}

function bearer(header: string): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}

/** The public prefix of the key a request presents, for logs; never the secret part. */
export function presentedKeyPrefix(req: Request): string | undefined {
  const key = bearer(req.get('authorization') ?? '');
  return key === undefined ? undefined : prefixOf(key);
}

function hasLinkToken(req: Request): boolean {
  const body: unknown = req.body;
  const fromBody = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  return [(req.query as { token?: unknown }).token, fromBody].some((token) => typeof token === 'string' && token.length > 0);
}

export function authenticate(deps: ApiDeps): RequestHandler {
  const lastUsedWritten = new Map<string, number>();

  async function touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (lastUsedWritten.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    lastUsedWritten.set(id, now);
    await deps.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(now) } }).catch((error: unknown) => {
      deps.onUnexpectedError?.(error);
    });
  }

  type KeyRow = Awaited<ReturnType<typeof deps.prisma.apiKey.findUnique>>;
  const lastRead = new Map<string, { row: NonNullable<KeyRow>; at: number }>();

  async function keyRow(prefix: string): Promise<KeyRow> {
    try {
      // From memory until the key's row changes (a revocation, a rotation): api/read-cache.ts.
      const row = await cachedRead(deps.readCache, 'ApiKey', prefix, () => deps.prisma.apiKey.findUnique({ where: { prefix } }));
      if (row) lastRead.set(prefix, { row, at: Date.now() });
      else lastRead.delete(prefix);
      return row;
    } catch (error) {
      const known = lastRead.get(prefix);
      if (known && isDatabaseUnavailable(error) && Date.now() - known.at < OUTAGE_GRACE_MS) return known.row;
      throw error;
    }
  }

  return async (req, res, next) => {
    const access = requiredAccess(req.method, req.path);
    // Signed routes and the portal answer before this middleware (api/app.ts); were one ever
    // reached, the route after it still verifies the signature, and the portal its own session.
    if (access.kind === 'public' || access.kind === 'signed' || access.kind === 'portal') return next();
    const header = req.get('authorization');
    if (header === undefined) {
      // The route verifies the token's signature and expiry (infra/links.ts).
      if (access.kind === 'link' && hasLinkToken(req)) {
        res.locals.caller = { kind: 'public' } satisfies Caller;
        setAuditActor(res, { type: 'customer' });
        return next();
      }
      throw unauthorized(res, 'this request needs an API key: send Authorization: Bearer <key>', false);
    }
    const key = bearer(header);
    const prefix = key === undefined ? undefined : prefixOf(key);
    const row = prefix === undefined ? null : await keyRow(prefix);
    if (!key || !row) throw unauthorized(res, 'the API key is not valid or has been revoked', true);
    if (!matchesHash(key, row.secretHash)) {
      // Only this is a guess that could succeed: the failed-authentication budget counts it.
      res.locals.guessedKeyPrefix = row.prefix;
      throw unauthorized(res, 'the API key is not valid or has been revoked', true);
    }
    // The holder of this secret is known from here on: refusals below are audited under its prefix.
    setAuditActor(res, { type: 'api_key', prefix: row.prefix });
    if (row.revokedAt !== null) throw unauthorized(res, 'the API key is not valid or has been revoked', true);
    // The clock is asked only for keys that expire (rotated ones, or created with expiresAt).
    if (row.expiresAt !== null && row.expiresAt.getTime() <= (await deps.clock()).getTime()) {
      throw unauthorized(res, 'the API key has expired', true);
    }
    const needed: Scope = access.kind === 'link' ? 'write' : access.scope;
    if (!grants(row.scopes, needed)) throw forbidden(res, needed, row.scopes);
    await touch(row.id);
    res.locals.caller = { kind: 'key', id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes } satisfies Caller;
    next();
  };
}
