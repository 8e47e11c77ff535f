import { z } from 'zod';
import { EMPTY_MEANS_UNSET } from './refinements';
import { SUBSCRIPTION_STATUSES } from '../../domain/status';

/**
 * `?status=` is the same as no status filter: forms and generated clients send empty fields. The
 * flag makes the document say so (api/openapi/json-schemas.ts), or it would refuse what the API takes.
 */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional()).meta({ [EMPTY_MEANS_UNSET]: true });

const code = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

export const pagination = {
  /** `nextCursor` of the previous page. */
  cursor: optional(z.string().max(512)),
  limit: optional(z.coerce.number().int().min(1).max(100)).transform((limit) => limit ?? 20),
};

export const pageQuery = z.object(pagination).strict();

export const listSubscriptionsQuery = z
  .object({
    status: optional(z.enum(SUBSCRIPTION_STATUSES)),
    plan: optional(code),
    customer: optional(code),
    ...pagination,
  })
  .strict();

export type ListSubscriptionsQuery = z.infer<typeof listSubscriptionsQuery>;
export type PageQuery = z.infer<typeof pageQuery>;

/** What an opaque cursor carries: the (createdAt, id) of the last row of the page before. */
/** A row's position; its time is one a row can have (the database has no year 0, JSON dates no year 10000). */
export const cursorPosition = z
  .object({
    at: z.iso.datetime().refine((iso) => {
      const year = new Date(iso).getUTCFullYear();
      return year >= 1 && year <= 9999;
    }),
    id: z.string().min(1).max(128),
  })
  .strict();

export const customerParams = z.object({ id: code });

/** An invoice by its id, its legal number or its reference (INV-…). */
export const invoiceParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an invoice id, number or reference') });

/** A credit note by its id or its number (CN-…). */
export const creditNoteParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a credit note id or number') });

export const grandfatheredBody = z.object({ grandfathered: z.boolean() }).strict();
