import { z } from 'zod';

/** How many calendar months (UTC) a report covers, the current one included. */
export const monthsQuery = z
  .object({
    months: z
      .preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(1).max(36).optional())
      .transform((months) => months ?? 12),
  })
  .strict();

export type MonthsQuery = z.infer<typeof monthsQuery>;
