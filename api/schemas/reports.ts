import { z } from 'zod';
import { optional } from './reads';

/** How many calendar months (UTC) a report covers, the current one included. */
export const monthsQuery = z
  .object({
    months: optional(z.coerce.number().int().min(1).max(36)).transform((months) => months ?? 12),
  })
  .strict();

export type MonthsQuery = z.infer<typeof monthsQuery>;
