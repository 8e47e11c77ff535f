// The metered pricing of an add-on (the AddOn row's `pricing` column), validated wherever it is
// read: the same shape the API documents.
import { z } from 'zod';
import { MAX_PRICE_CENTS } from '../api/schemas/price-versions';
import type { MeteredPricing } from '../domain/metering';
import { pricingProblems } from '../domain/metering';
import { parseStored } from './stored-row';

const tier = z.strictObject({
  upTo: z.number().int().positive().nullable().describe('The last unit of the tier, counted from the period’s first unit (inclusive); null on the last tier'),
  unitAmount: z
    .record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d{1,12}(\.\d{1,12})?$/))
    .describe('Price of one unit per currency, in minor units as a decimal string: "0.2" EUR is €0.002'),
  // Bounded as every other price: it becomes an invoice line's amount.
  flatAmount: z
    .record(z.string().regex(/^[A-Z]{3}$/), z.number().int().min(0).max(MAX_PRICE_CENTS))
    .optional()
    .describe('A fee in minor units charged once when billable units reach the tier'),
});

/** What pricingProblems checks that JSON Schema can say, for the document; the tiers' order it cannot. */
const PRICING_RULES = {
  if: { properties: { aggregation: { const: 'unique_count' } } },
  then: { description: 'unique_count counts the distinct values of `property`', required: ['property'] },
  oneOf: [
    { title: 'per_unit: one tier', properties: { model: { const: 'per_unit' }, tiers: { maxItems: 1 } } },
    { title: 'Another model', properties: { model: { not: { const: 'per_unit' } } } },
  ],
};

export const meteredPricing = z
  .strictObject({
    model: z.enum(['per_unit', 'graduated', 'volume']).describe('per_unit: one price; graduated: each tier’s units at its price; volume: every unit at the price of the tier the quantity reaches'),
    aggregation: z.enum(['sum', 'max', 'last', 'unique_count']).describe('How the period’s events make its quantity'),
    property: z.string().min(1).max(64).optional().describe('With unique_count: the event property whose distinct values are counted'),
    includedUnits: z.number().int().min(0).describe('Units a period includes for free (the first ones)'),
    // Where the null is and that upTo rises are pricingProblems' to check: no keyword says either.
    tiers: z
      .array(tier)
      .min(1)
      .max(20)
      .meta({ contains: { properties: { upTo: { type: 'null' } } }, maxContains: 1 })
      .describe('Exactly one tier, the last, has upTo null; the others rise'),
  })
  .superRefine((pricing, ctx) => {
    for (const message of pricingProblems(pricing)) ctx.addIssue({ code: 'custom', message });
  })
  .meta(PRICING_RULES)
  .describe('How a metered add-on’s usage is aggregated per period and priced, billed in arrears');

/** `owner`: the row the column is on (`add-on api-calls`), named when it is not valid. */
export function toMeteredPricing(json: unknown, owner: string): MeteredPricing {
  return parseStored(meteredPricing, json, `${owner}, pricing`);
}
