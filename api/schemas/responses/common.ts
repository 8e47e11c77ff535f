// Building blocks of the documented answers: timestamps, money, lists and pages. Response schemas
// are for the OpenAPI document and the tests that hold answers to it; handlers do not parse them.
import { z } from 'zod';

export const timestamp = z.iso.datetime().describe('ISO-8601 timestamp, UTC');

export const minorUnits = z.number().int().describe('Money in minor units of the currency (cents, øre)');

export const currency = z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217 currency code');

/** Everything of a kind, in one answer. */
export function list<T extends z.ZodType>(item: T) {
  return z.strictObject({ data: z.array(item) });
}

/** One page of a cursor-paginated list. */
export function page<T extends z.ZodType>(item: T) {
  return z.strictObject({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Send it back as `cursor` for the next page; null on the last page'),
  });
}

/**
 * Compiles only when every value of `Actual` (what the code returns) is a valid value of
 * `Documented`: a field renamed or retyped in the code breaks the build, not just the docs.
 */
export type Conforms<Actual extends Documented, Documented> = Actual;

/** The documented fields of an open (loose) object schema, without its index signature. */
export type DocumentedFields<Shape extends Record<string, z.ZodType>> = { [K in keyof Shape]: z.output<Shape[K]> };
