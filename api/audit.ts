// The audit log: one AuditEvent per mutating request (POST, PUT, PATCH, DELETE) whose caller is
// known, written once the response has gone out, refused requests (4xx, 5xx) included.
//
// Known caller: an API key whose secret matched (even if revoked, expired or short of scope), or a
// customer link on an existing subscription. A request with no key, or an unknown one, changed
// nothing and names nobody; recording it would let anyone fill an append-only table, so it is
// left to the request log.
//
// The entry is written after the answer, never before: a failed write is logged as an error and
// never turns a command that took effect into an error answer (which a client would retry).
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../infra/logger';
import type { AuditActorType } from '../prisma/generated/client';
import type { ApiDeps } from './deps';
import { requestContextOf } from './request-context';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Set by the authentication middleware; `actor` of a customer is resolved from the subscription. */
export type AuditActor = { type: 'api_key'; prefix: string } | { type: 'customer' };

export function setAuditActor(res: Response, actor: AuditActor): void {
  res.locals.auditActor = actor;
}

let lastSequence = 0;

/** The next arrival's place in this process's order. */
function nextSequence(): number {
  lastSequence = (lastSequence + 1) % 0x1_0000_0000;
  return lastSequence;
}

/**
 * Sortable within one process: the instant, then the arrival counter, so entries of the same
 * millisecond keep their order in "newest first"; the random tail keeps processes apart.
 */
function auditEventId(at: Date, sequence: number): string {
  return `aud_${at.getTime().toString(16).padStart(12, '0')}${sequence.toString(16).padStart(8, '0')}${randomBytes(4).toString('hex')}`;
}

/** When a request arrived, and its place among this process's arrivals: an entry's time and order. */
interface Arrival {
  at: Promise<Date>;
  sequence: number;
}

/** `/subscriptions/<id>/…` when no route matched, e.g. a request refused by authentication. */
const SUBSCRIPTION_PATH = /^\/subscriptions\/([A-Za-z0-9_-]{1,64})(?:\/|$)/i;
/** Not subscription ids: fixed paths under /subscriptions. */
const NOT_IDS = new Set(['imports']);

/** The route's :id; or the id in the path; or, for POST /subscriptions, the id in the body. */
function subscriptionOf(req: Request, res: Response, fromRoute: string | undefined, route: string | null): string | undefined {
  if (fromRoute) return fromRoute;
  const inPath = route === null ? SUBSCRIPTION_PATH.exec(req.path)?.[1] : undefined;
  if (inPath && !NOT_IDS.has(inPath.toLowerCase())) return inPath;
  const body: unknown = req.body;
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  return route === '/subscriptions' && res.statusCode < 300 && typeof id === 'string' ? id : undefined;
}

export function auditLog(deps: ApiDeps, logger: Logger): RequestHandler {
  async function actorOf(actor: AuditActor, subscriptionId: string | undefined): Promise<{ actorType: AuditActorType; actor: string } | undefined> {
    if (actor.type === 'api_key') return { actorType: 'api_key', actor: actor.prefix };
    if (!subscriptionId) return undefined;
    const row = await deps.prisma.subscription.findUnique({ where: { id: subscriptionId }, select: { customerId: true } });
    return row ? { actorType: 'customer', actor: row.customerId } : undefined;
  }

  async function record(req: Request, res: Response, ip: string | undefined, arrival: Arrival): Promise<void> {
    const auditActor = res.locals.auditActor as AuditActor | undefined;
    const context = requestContextOf(req);
    if (!auditActor || !context) return;
    const subscriptionId = subscriptionOf(req, res, context.subscriptionId, context.route);
    const who = await actorOf(auditActor, subscriptionId);
    if (!who) return;
    const at = await arrival.at;
    await deps.prisma.auditEvent.create({
      data: {
        id: auditEventId(at, arrival.sequence),
        at,
        ...who,
        method: req.method,
        // Without the query string: customer links carry their signed token there.
        path: req.originalUrl.split('?')[0]!.slice(0, 2048),
        subscriptionId: subscriptionId ?? null,
        updateId: (res.locals.sentUpdateId as string | undefined) ?? null,
        outcome: res.statusCode,
        requestId: context.requestId,
        ip: ip ?? null,
      },
    });
  }

  return (req, res, next) => {
    if (!MUTATING_METHODS.has(req.method)) return next();
    // Read now: once the connection has closed, the socket no longer knows the peer's address.
    const ip = req.ip;
    // Timed and ordered as the requests arrived: entries are written after each answer, and a
    // client's next request can be written before the last one's entry is.
    const arrival: Arrival = { at: deps.clock(), sequence: nextSequence() };
    // Its failure is the entry's, reported when the entry is written.
    arrival.at.catch(() => undefined);
    // 'close' rather than 'finish': a client that hung up does not hide its command from the log.
    res.once('close', () => {
      record(req, res, ip, arrival).catch((error: unknown) => {
        (requestContextOf(req)?.log ?? logger).error({ err: error, method: req.method, status: res.statusCode }, 'audit event not recorded');
      });
    });
    next();
  };
}
