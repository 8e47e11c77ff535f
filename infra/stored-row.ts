// A catalogue row that its own schema refuses: changed in the database by hand, or written by an
// older release. The request that read it is not at fault, so this is not a ZodError, which the
// API answers 400: it is the server's fault (500, logged), or skipped where a reader can go on.
import type { z } from 'zod';
import { ZodError } from 'zod';

export class StoredRowError extends Error {
  override readonly name = 'StoredRowError';
  constructor(
    /** Which row and column: `add-on extra-seat, prices`. */
    readonly where: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`stored ${where} is not valid: ${issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`).join('; ')}`);
  }
}

/** `schema.parse(value)`, with a refusal as a StoredRowError naming `where`. */
export function parseStored<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) throw new StoredRowError(where, error.issues);
    throw error;
  }
}
