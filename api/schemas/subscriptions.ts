import { z } from 'zod';
import { catalogueCode } from './codes';
import { isValidTimeZone } from '../../domain/calendar';

export const subscriptionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

export const paymentMethodToken = z
  .string()
  .regex(/^pm_[A-Za-z0-9_]{1,100}$/, 'must be a payment method token such as pm_card_visa');

export const createSubscriptionBody = z
  .object({
    /** Client-chosen id: repeating the request with the same id returns the same subscription. */
    id: subscriptionId.optional(),
    customer: z
      .object({
        id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"').optional(),
        email: z.email().max(254),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    plan: catalogueCode('pro-monthly'),
    paymentMethod: paymentMethodToken,
    trialDays: z.number().int().min(0).max(730).optional(),
    timeZone: z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Oslo').optional(),
  })
  .strict();

export type CreateSubscriptionBody = z.infer<typeof createSubscriptionBody>;

export const subscriptionParams = z.object({ id: subscriptionId });
