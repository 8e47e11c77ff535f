// Idempotency-Key on POST. The row is inserted before the request runs: its primary key
// (scope, key) lets exactly one of several concurrent duplicates through; the others see the row
// and get 409 (still running), 422 (a different request under the same key) or the stored answer.
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Prisma, type IdempotencyRecord } from '../prisma/generated/client';
import { callerKeyId } from './auth';
import type { ApiDeps } from './deps';
import { parseIdempotencyKey, requestHash } from './idempotency-request';
import { ProblemError } from './problem';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * No request runs this long (commands give up after a minute, imports sooner): a record still
 * without an answer after it was left by an API process that died, and no longer holds the key.
 */
export const ABANDONED_AFTER_MS = 5 * 60 * 1000;
const PURGE_EVERY_MS = 60_000;

/** Records are dated by their expiry, on the same clock that set it. */
const startedAt = (record: IdempotencyRecord) => record.expiresAt.getTime() - IDEMPOTENCY_TTL_MS;
const abandoned = (record: IdempotencyRecord, now: Date) => record.responseStatus === null && now.getTime() - startedAt(record) > ABANDONED_AFTER_MS;

/**
 * Answers worth replaying: the request took effect (2xx), or a charge was attempted and declined
 * (402). Any other 4xx changed nothing, and a 5xx may be transient: their rows are deleted so the
 * client can fix the request, or just retry, under the same key.
 */
export function replayable(status: number): boolean {
  return status < 400 || status === 402;
}

/**
 * The id a request's workflow update is sent with: derived from the caller, its Idempotency-Key
 * and the request itself, so a retry whose first answer was lost (a 503 after the command ran) is
 * the same update and applies once, while a key reused for another request after it expired is not.
 */
export function commandIdFor(scope: string, key: string, requestHash: string): string {
  return `idem-${createHash('sha256').update(`${scope}\n${key}\n${requestHash}`).digest('hex').slice(0, 40)}`;
}

/** `{ updateId }` for a request that carried an Idempotency-Key; nothing otherwise (Temporal picks an id). */
export function commandOptions(res: Response): { updateId?: string } {
  const id = res.locals.commandId as string | undefined;
  // Only requests that did send an update carry its id into the audit log (api/audit.ts).
  if (id) res.locals.sentUpdateId = id;
  return id ? { updateId: id } : {};
}

type Claim = { kind: 'claimed' } | { kind: 'exists'; record: IdempotencyRecord };
type Where = { scope_key: { scope: string; key: string } };

function answerFrom(record: IdempotencyRecord, method: string, path: string, hash: string, res: Response): void {
  if (record.method !== method || record.path !== path || record.requestHash !== hash) {
    throw new ProblemError(422, 'idempotency-key-reused', `this Idempotency-Key was already used for a different request (${record.method} ${record.path} with another body or query)`, {
      title: 'Idempotency-Key reused for a different request',
    });
  }
  if (record.responseStatus === null) {
    res.set('Retry-After', '1');
    throw new ProblemError(409, 'idempotency-in-progress', 'a request with this Idempotency-Key is in progress', {
      title: 'Request in progress',
    });
  }
  res.status(record.responseStatus).set('Idempotent-Replayed', 'true');
  if (record.responseBody === null) {
    res.end();
    return;
  }
  res.type(record.responseStatus >= 400 ? 'application/problem+json' : 'application/json').json(record.responseBody);
}

export function idempotency(deps: ApiDeps): RequestHandler {
  const { prisma } = deps;
  const report = deps.onUnexpectedError ?? (() => undefined);
  let lastPurge = -Infinity;

  /** Expired rows count as absent anyway; this only keeps the table small. */
  async function purgeExpired(now: Date): Promise<void> {
    if (performance.now() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = performance.now();
    await prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } });
  }

  async function claim(data: Omit<IdempotencyRecord, 'responseStatus' | 'responseBody' | 'createdAt'>, now: Date): Promise<Claim> {
    const where: Where = { scope_key: { scope: data.scope, key: data.key } };
    // A row can vanish between the insert and the read (a 4xx/5xx deletes it), be expired, or be
    // abandoned: then the insert is tried again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const { count } = await prisma.idempotencyRecord.createMany({ data: [data], skipDuplicates: true });
      if (count === 1) return { kind: 'claimed' };
      const record = await prisma.idempotencyRecord.findUnique({ where });
      if (record && record.expiresAt > now && !abandoned(record, now)) return { kind: 'exists', record };
      if (record) {
        // Only what is still expired or abandoned: a concurrent retry may have claimed the key anew.
        const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS + IDEMPOTENCY_TTL_MS);
        await prisma.idempotencyRecord.deleteMany({
          where: { scope: data.scope, key: data.key, OR: [{ expiresAt: { lte: now } }, { responseStatus: null, expiresAt: { lt: abandonedBefore } }] },
        });
      }
    }
    throw new ProblemError(409, 'idempotency-in-progress', 'a request with this Idempotency-Key is in progress', { title: 'Request in progress' });
  }

  /** Stores the answer before it is sent, so a retry right after it never meets "in progress". */
  function recordAnswer(res: Response, where: Where): void {
    const send = res.json.bind(res);
    let captured = false;
    const settle = (status: number, body: unknown) =>
      (replayable(status)
        ? prisma.idempotencyRecord.update({ where, data: { responseStatus: status, responseBody: body ?? Prisma.JsonNull } })
        : prisma.idempotencyRecord.delete({ where })
      ).catch(async (error: unknown) => {
        report(error);
        // Never leave the key stuck "in progress" for a day.
        await prisma.idempotencyRecord.deleteMany({ where: where.scope_key }).catch(report);
      });
    res.json = (body: unknown) => {
      if (captured) return send(body);
      captured = true;
      // Stored as the client will read it (dates as strings, no undefined).
      const stored = JSON.parse(JSON.stringify(body ?? null)) as Prisma.InputJsonValue | null;
      void settle(res.statusCode, stored)
        .then(() => send(body))
        .catch(report);
      return res;
    };
    // A route that answers without res.json (an empty 204): replayed without a body.
    res.once('finish', () => {
      if (!captured) void settle(res.statusCode, null);
    });
  }

  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const header = req.get('idempotency-key');
    if (header === undefined) return next();
    const key = parseIdempotencyKey(header);
    const scope = callerKeyId(res) ?? 'public';
    const hash = requestHash(req.method, req.path, req.query, req.body);
    const now = await deps.clock();
    await purgeExpired(now);
    const claimed = await claim(
      { scope, key, method: req.method, path: req.path, requestHash: hash, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) },
      now,
    );
    if (claimed.kind === 'exists') return answerFrom(claimed.record, req.method, req.path, hash, res);
    recordAnswer(res, { scope_key: { scope, key } });
    res.locals.commandId = commandIdFor(scope, key, hash);
    next();
  };
}
