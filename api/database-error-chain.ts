// A database failure reaches the API wrapped: Prisma keeps @prisma/adapter-pg's error under
// `meta.driverAdapterError`, and errors keep theirs under `cause`. Questions about what the database
// said (unreachable? refused the text?) look at each level.

/** Whether `holds` is true of the error or of one it wraps, at most four levels deep. */
export function inDatabaseErrorChain(error: unknown, holds: (error: object) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  if (holds(error)) return true;
  const { cause, meta } = error as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
  return inDatabaseErrorChain(meta?.driverAdapterError, holds, depth + 1) || inDatabaseErrorChain(cause, holds, depth + 1);
}
