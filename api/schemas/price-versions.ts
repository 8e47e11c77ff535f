// Price versions of a plan (api/routes/price-versions.ts): a new price, and the history.
import { z } from 'zod';
import { pagination } from './reads';

/** The highest price accepted: 1,000,000.00 in the plan's currency. */
export const MAX_PRICE_CENTS = 100_000_000;

export const newPriceVersionBody = z
  .object({
    amountCents: z.number().int('must be a whole number of minor units (cents, øre)').min(1).max(MAX_PRICE_CENTS),
  })
  .strict();

export type NewPriceVersionBody = z.infer<typeof newPriceVersionBody>;

export const priceVersionsQuery = z.object(pagination).strict();

export type PriceVersionsQuery = z.infer<typeof priceVersionsQuery>;
