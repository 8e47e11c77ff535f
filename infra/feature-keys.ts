// A catalogue row's `features` column (JSON) as the feature keys the domain carries.
import { z } from 'zod';
import { parseStored } from './stored-row';

/** Lowercase letters, digits, "-" and "_", as a customer's app names what it gates: "sso", "audit-log". */
export const featureKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a feature key such as sso or audit-log');

const featureList = z.array(featureKey);

/** `owner`: the row the column is on (`plan pro-monthly`), named when it is not valid. */
export function featureKeys(column: unknown, owner: string): string[] {
  return parseStored(featureList, column ?? [], `${owner}, features`);
}
