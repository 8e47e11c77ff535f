// Codes of catalogue entries (plans, add-ons, coupons): the shape is checked before any lookup, so
// control characters and injection strings never reach the database.
import { z } from 'zod';

export const catalogueCode = (example: string) =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, `must be 1-64 letters, digits, "_" or "-", such as ${example}`);
