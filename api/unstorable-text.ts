// Whether PostgreSQL refused text it cannot store: a NUL character (SQLSTATE 22021), or one its
// encoding lacks (22P05). Such text came with the request, in a field the validation let through:
// the client can fix it, so the API answers 400 rather than 500 (the hostile-request fuzz once sent
// a NUL in a path parameter that reached the database).
const SQLSTATES = new Set(['22021', '22P05']);

export function isUnstorableText(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, originalCode, cause, meta } = error as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if ([code, originalCode].some((value) => typeof value === 'string' && SQLSTATES.has(value))) return true;
  return isUnstorableText(meta?.driverAdapterError, depth + 1) || isUnstorableText(cause, depth + 1);
}
