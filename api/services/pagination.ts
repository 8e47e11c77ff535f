// Cursor pagination in (createdAt, id) order. Keyset, not offset: a row inserted or removed while
// a client pages neither shifts the rows after it nor appears twice. The cursor is opaque to
// clients (base64url JSON of the last row's position).
import type { z } from 'zod';
import { invalid } from '../problem';
import { cursorPosition } from '../schemas/reads';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Direction = 'asc' | 'desc';

type Position = z.infer<typeof cursorPosition>;

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  const position: Position = { at: row.createdAt.toISOString(), id: row.id };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(raw: string): Position {
  try {
    return cursorPosition.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw invalid([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** The Prisma filter for the rows after `cursor`, and the order to read them in. */
export function keyset(cursor: string | undefined, direction: Direction) {
  const orderBy = [{ createdAt: direction }, { id: direction }];
  if (!cursor) return { where: {}, orderBy };
  const { at: iso, id } = decodeCursor(cursor);
  const at = new Date(iso);
  const where =
    direction === 'asc'
      ? { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: id } }] }
      : { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
  return { where, orderBy };
}

/** `rows` were read with `take: limit + 1`: the extra row only says whether another page exists. */
export function toPage<R extends { createdAt: Date; id: string }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { data: shown.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
