import { z } from 'zod';
import { catalogueCode } from './codes';
import { isValidTimeZone } from '../../domain/calendar';
import { billingProfileInput } from './billing-profile';
import { packageItems } from './items';

export const subscriptionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/**
 * The id a new subscription may take: `imports` (in any case, as Express matches paths) is the
 * path of POST /subscriptions/imports, so GET /subscriptions/imports could never read it.
 */
export const newSubscriptionId = subscriptionId
  .refine((id) => id.toLowerCase() !== 'imports', 'imports is reserved (POST /subscriptions/imports); choose another id')
  .meta({ not: { pattern: '^[Ii][Mm][Pp][Oo][Rr][Tt][Ss]$' } });

export const paymentMethodToken = z
  .string()
  .regex(/^pm_[A-Za-z0-9_]{1,100}$/, 'must be a payment method token such as pm_card_visa');

const customer = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"').optional(),
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).optional(),
    /** Sets (replaces) the customer's billing profile: address, organisation number or VAT id, language. */
    billingProfile: billingProfileInput.optional(),
  })
  .strict();

const timeZone = z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Oslo');

export const createSubscriptionBody = z
  .object({
    /** Client-chosen id: repeating the request with the same id returns the same subscription. */
    id: newSubscriptionId.optional(),
    customer,
    plan: catalogueCode('pro-monthly'),
    paymentMethod: paymentMethodToken,
    trialDays: z.number().int().min(0).max(730).optional(),
    timeZone: timeZone.optional(),
    /** A custom package: catalogue add-ons, custom lines at a negotiated price, a coupon from the first invoice. */
    ...packageItems,
  })
  .strict();

export type CreateSubscriptionBody = z.infer<typeof createSubscriptionBody>;

/** One request imports at most this many subscriptions (an import is many requests). */
export const MAX_IMPORT_BATCH = 100;

export const importedSubscription = z
  .object({
    /** Required: the id makes a repeated import (after a timeout, a crash) write nothing twice. */
    id: newSubscriptionId,
    customer,
    plan: catalogueCode('pro-monthly'),
    paymentMethod: paymentMethodToken,
    currentPeriodEnd: z.iso.datetime({ offset: true }),
    timeZone: timeZone.optional(),
  })
  .strict();

export type ImportedSubscription = z.infer<typeof importedSubscription>;

export const importSubscriptionsBody = z
  .object({ subscriptions: z.array(importedSubscription).min(1).max(MAX_IMPORT_BATCH) })
  .strict();

export type ImportSubscriptionsBody = z.infer<typeof importSubscriptionsBody>;

export const subscriptionParams = z.object({ id: subscriptionId });

/** GET /subscriptions/:id: `strong` asks the workflow instead of reading its stored view. */
export const getSubscriptionQuery = z.object({ consistency: z.enum(['eventual', 'strong']).default('eventual') }).strict();
