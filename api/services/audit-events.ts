// Reads of the audit log, newest first: "who cancelled this subscription" is
// GET /audit-events?subscriptionId=… and the first POST …/cancel in the answer.
import type { AuditEvent } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import type { AuditEventsQuery } from '../schemas/audit-events';
import { decodeCursor, encodeCursor, type Page } from './pagination';

export function auditEventView(row: AuditEvent) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorType: row.actorType,
    actor: row.actor,
    method: row.method,
    path: row.path,
    subscriptionId: row.subscriptionId,
    updateId: row.updateId,
    outcome: row.outcome,
    requestId: row.requestId,
    ip: row.ip,
  };
}

export type AuditEventView = ReturnType<typeof auditEventView>;

/** Keyset on (at, id), like api/services/pagination.ts does on (createdAt, id). */
function before(cursor: string | undefined) {
  if (!cursor) return {};
  const position = decodeCursor(cursor);
  const at = new Date(position.at);
  return { OR: [{ at: { lt: at } }, { at, id: { lt: position.id } }] };
}

export async function listAuditEvents({ prisma }: ApiDeps, query: AuditEventsQuery): Promise<Page<AuditEventView>> {
  const at = {
    ...(query.from ? { gte: new Date(query.from) } : {}),
    ...(query.to ? { lt: new Date(query.to) } : {}),
  };
  const rows = await prisma.auditEvent.findMany({
    where: {
      AND: [
        query.subscriptionId ? { subscriptionId: query.subscriptionId } : {},
        query.actor ? { actor: query.actor } : {},
        query.from || query.to ? { at } : {},
        before(query.cursor),
      ],
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return { data: shown.map(auditEventView), nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null };
}
