// Whether PostgreSQL refused text it cannot store: a NUL character (SQLSTATE 22021), or one its
// encoding lacks (22P05). Such text came with the request, in a field the validation let through:
// the client can fix it, so the API answers 400 rather than 500 (the hostile-request fuzz once sent
// a NUL in a path parameter that reached the database).
import { inDatabaseErrorChain } from './database-error-chain';

const SQLSTATES = new Set(['22021', '22P05']);

export function isUnstorableText(error: unknown): boolean {
  return inDatabaseErrorChain(error, (level) => {
    const { code, originalCode } = level as { code?: unknown; originalCode?: unknown };
    return [code, originalCode].some((value) => typeof value === 'string' && SQLSTATES.has(value));
  });
}
