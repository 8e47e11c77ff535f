import { z } from 'zod';
import { catalogueCode } from './codes';
import { subscriptionId } from './subscriptions';

const code = catalogueCode('pro-monthly');

export const planParams = z.object({ code });

export const startPlanMigrationBody = z
  .object({
    /** Omitted: the plan migrated from, at `toVersion`. */
    toPlan: code.optional(),
    /** The target plan's price version; omitted: its current one. At most what the version column holds (int4). */
    toVersion: z.number().int().min(1).max(2_147_483_647).optional(),
    /** Leave subscriptions marked grandfathered on their plan (PUT /subscriptions/:id/grandfathered). */
    excludeGrandfathered: z.boolean().default(true),
    excludeSubscriptionIds: z.array(subscriptionId).max(10_000).default([]),
  })
  .strict()
  .refine((body) => body.toPlan !== undefined || body.toVersion !== undefined, { path: ['toPlan'], message: 'name the target: toPlan, toVersion, or both' })
  .meta({ anyOf: [{ required: ['toPlan'] }, { required: ['toVersion'] }] });

export type StartPlanMigrationBody = z.infer<typeof startPlanMigrationBody>;

export const planMigrationParams = z.object({ id: z.string().regex(/^pmg_[a-f0-9]{16}$/, 'must be a plan migration id such as pmg_0123456789abcdef') });

/** The migration's items, a page at a time, optionally one outcome only. */
export const planMigrationQuery = z
  .object({
    outcome: z.enum(['pending', 'scheduled', 'skipped', 'failed']).optional(),
    cursor: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(100),
  })
  .strict();

export type PlanMigrationQuery = z.infer<typeof planMigrationQuery>;
