import { z } from 'zod';
import { catalogueCode } from './codes';
import { subscriptionId } from './subscriptions';
import { customLine } from './items';

export const usageBody = z
  .object({
    metric: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a metric name such as seats or storage_gb'),
    quantity: z.number().finite().min(0).max(1e12),
    /** 'set' reports a level (seats in use, default); 'increment' adds to it. */
    mode: z.enum(['set', 'increment']).default('set'),
    /** Repeating a report with the same id counts it once (it is stored once, and answered as a duplicate). */
    eventId: z.string().min(1).max(128).optional(),
    /** When the usage happened (default: now): it decides the period it is billed in. */
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    /** What a metered add-on's `unique_count` counts distinct values of (e.g. `{"user": "u_42"}`). */
    properties: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.union([z.string().max(256), z.number().finite(), z.boolean()]))
      .refine((properties) => Object.keys(properties).length <= 20, 'at most 20 properties')
      .meta({ maxProperties: 20 })
      .optional(),
  })
  .strict();

export type UsageBody = z.output<typeof usageBody>;

export const addOnBody = z
  .object({
    code: catalogueCode('extra-seat'),
    quantity: z.number().int().min(0).max(1000),
  })
  .strict();

/** GET /subscriptions/:id/add-ons/:code/preview?quantity=n: the quantity the add-on would have (or how many of a one-time product). */
export const previewAddOnQuery = z.object({ quantity: z.coerce.number().int().min(0).max(1000) }).strict();

/** DELETE /subscriptions/:id/add-ons/:code. A path segment may decode to anything (`%00`): only a code shape reaches the database. */
export const addOnParams = z.object({ id: subscriptionId, code: catalogueCode('extra-seat') });

/** A custom line added to a running subscription: the same fields as at creation (api/schemas/items.ts). */
export const customLineBody = customLine;

export const couponBody = z.object({ code: catalogueCode('WELCOME20') }).strict();

export const offerParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  offerId: z.string().regex(/^OFR-[A-Za-z0-9_-]{1,64}-\d{4}$/, 'must be an offer id such as OFR-sub_1-0001'),
});

export const offerActionBody = z
  .object({
    /** The signed token from the customer's email link (instead of an API key). */
    token: z.string().max(200).optional(),
  })
  .strict();

export const offerActionQuery = z.object({ token: z.string().max(200).optional() });
