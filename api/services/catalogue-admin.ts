// What the catalogue's admin endpoints share: a code taken is a conflict, a code unknown is a 404,
// and archiving is a flag and a time, never a delete (subscriptions keep pointing at the entry).
import type { Router } from 'express';
import { Prisma } from '../../prisma/generated/client';
import { conflict, notFound } from '../problem';

export type CatalogueKind = 'product' | 'plan' | 'add-on' | 'coupon';

/** `row`, or the 404 that names what was looked for. */
export function found<T>(row: T | null, kind: CatalogueKind, code: string): T {
  if (!row) throw notFound(`no ${kind} has the code "${code}"`);
  return row;
}

/** Runs `create`; a unique violation on the code (a concurrent create included) is a 409. */
export async function createUnique<T>(kind: CatalogueKind, code: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw conflict(`a ${kind} with the code "${code}" already exists`);
    throw error;
  }
}

/** Columns that archive an entry at `at`, or bring it back. */
export function archiveColumns(archived: boolean, at: Date): { active: boolean; archivedAt: Date | null } {
  return archived ? { active: false, archivedAt: at } : { active: true, archivedAt: null };
}

/** How the archive routes reach one kind of entry. */
export interface ArchivableKind<Row> {
  kind: CatalogueKind;
  codeOf: (params: unknown) => string;
  find: (code: string) => Promise<Row | null>;
  update: (code: string, columns: ReturnType<typeof archiveColumns>) => Promise<Row>;
  toEntry: (row: Row) => unknown;
}

/** POST /:code/archive and /:code/unarchive: the flag and its time, on the API clock; 404 for an unknown code. */
export function archiveRoutes<Row>(router: Router, clock: () => Promise<Date>, entries: ArchivableKind<Row>): void {
  for (const [action, archived] of [['archive', true], ['unarchive', false]] as const) {
    router.post(`/:code/${action}`, async (req, res) => {
      const code = entries.codeOf(req.params);
      found(await entries.find(code), entries.kind, code);
      res.json(entries.toEntry(await entries.update(code, archiveColumns(archived, await clock()))));
    });
  }
}
