// Pages of catalogue entries for the admin lists: keyset on (createdAt, code), the order entries
// were created in, with the cursor of api/services/pagination.ts (its `id` is the entry's code).
// Every filter has an index that starts with it and ends with (createdAt, code) (migration
// 20261204160000_catalogue_admin), so a page costs the same with 10 or 10,000 entries.
import type { CatalogueListQuery } from '../schemas/catalogue-admin';
import { decodeCursor, encodeCursor, type Page } from './pagination';

export interface CatalogueRow {
  code: string;
  name: string;
  active: boolean;
  createdAt: Date;
}

const ORDER = [{ createdAt: 'asc' as const }, { code: 'asc' as const }];

/** The Prisma `where` for a list query's status, prefix and cursor; `extra` adds the entry's own filters. */
export function catalogueWhere(query: CatalogueListQuery, extra: Record<string, unknown> = {}) {
  const conditions: Array<Record<string, unknown>> = [extra];
  if (query.status !== 'all') conditions.push({ active: query.status === 'active' });
  if (query.q) conditions.push({ OR: [{ code: { startsWith: query.q } }, { name: { startsWith: query.q, mode: 'insensitive' } }] });
  if (query.cursor) {
    const { at: iso, id: code } = decodeCursor(query.cursor);
    const at = new Date(iso);
    conditions.push({ OR: [{ createdAt: { gt: at } }, { createdAt: at, code: { gt: code } }] });
  }
  return { AND: conditions };
}

/** Reads one page with `find` (a model's findMany) and shows each row with `view`. */
export async function cataloguePage<R extends CatalogueRow, T>(
  find: (args: { where: ReturnType<typeof catalogueWhere>; orderBy: typeof ORDER; take: number }) => Promise<R[]>,
  query: CatalogueListQuery,
  extra: Record<string, unknown>,
  view: (row: R) => T,
): Promise<Page<T>> {
  const rows = await find({ where: catalogueWhere(query, extra), orderBy: ORDER, take: query.limit + 1 });
  const shown = rows.slice(0, query.limit);
  const last = shown.at(-1);
  return { data: shown.map(view), nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.code }) : null };
}
