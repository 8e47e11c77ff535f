import { z } from 'zod';
import { catalogueCode } from './codes';
import { paymentMethodToken } from './subscriptions';

const timing = z.enum(['now', 'period_end']);

export const changePlanBody = z
  .object({
    plan: catalogueCode('business-monthly'),
    /** Default: upgrades now (prorated), downgrades at period end. */
    when: timing.optional(),
  })
  .strict();

export const previewPlanChangeQuery = z
  .object({
    plan: catalogueCode('business-monthly'),
    when: timing.optional(),
  })
  .strict();

export const cancelBody = z
  .object({
    when: timing.default('period_end'),
    refund: z.enum(['none', 'prorated']).default('none'),
  })
  .strict();

export const pauseBody = z
  .object({
    when: timing.default('now'),
    /** Resume on its own after this many billing periods; omit to pause until resumed. */
    periods: z.number().int().min(1).max(24).optional(),
  })
  .strict();

export const resumeBody = z
  .object({
    billingAnchor: z.enum(['now', 'keep']).default('now'),
  })
  .strict();

export const paymentMethodBody = z.object({ paymentMethod: paymentMethodToken }).strict();

export const emptyBody = z.object({}).strict();
