// Refinements the OpenAPI document states too. z.toJSONSchema cannot see inside a refine, so each
// helper also gives the JSON Schema keyword that says the same (zod merges `.meta()` into what it
// converts): a client or fuzzer that follows the document sends nothing the check refuses.
import type { z } from 'zod';

/** A list of strings with no repeats: `uniqueItems` (strings compare alike in a Set and in JSON Schema). */
export const distinct = <T extends z.ZodArray<z.ZodType<string>>>(list: T, message: string): T =>
  list.refine((items) => new Set(items).size === items.length, message).meta({ uniqueItems: true });

/** A PATCH body that changes something: `minProperties` (the fields are optional, so `{}` parses). */
export const changingSomething = <T extends z.ZodObject>(edits: T): T =>
  edits.refine((body) => Object.keys(body).length > 0, 'name at least one field to change').meta({ minProperties: 1 });

/** Metadata of a query field that takes an empty value as absent (reads.ts `optional`): the document adds `""`. */
export const EMPTY_MEANS_UNSET = 'x-empty-means-unset';
