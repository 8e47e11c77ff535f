// A bulk plan migration and its items (api/services/plan-migrations.ts).
import { z } from 'zod';
import type { getPlanMigration, startPlanMigration } from '../../services/plan-migrations';
import { page, timestamp, type Conforms } from './common';

export const planMigration = z.strictObject({
  id: z.string().describe('`pmg_` and 16 hex digits'),
  fromPlan: z.string(),
  toPlan: z.string(),
  toVersion: z.number().int().nullable().describe("The target plan's price version subscriptions move to; null on migrations from before price versions"),
  excludeGrandfathered: z.boolean(),
  excludeSubscriptionIds: z.array(z.string()),
  status: z.enum(['running', 'completed', 'failed']),
  total: z.number().int().describe('Subscriptions asked to move'),
  scheduled: z.number().int().describe('Will move at their next renewal'),
  skipped: z.number().int().describe('Stayed (excluded, grandfathered, ended, or already on the plan at that price version or a newer one)'),
  failed: z.number().int(),
  pending: z.number().int().describe('Asked, not answered yet'),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
});

export const planMigrationItem = z.strictObject({
  subscriptionId: z.string(),
  outcome: z.enum(['pending', 'scheduled', 'skipped', 'failed']),
  reason: z.string().nullable(),
  at: timestamp,
});

export const planMigrationDetail = z.strictObject({
  ...planMigration.shape,
  items: page(planMigrationItem).describe('In subscription id order'),
});

type _Started = Conforms<Awaited<ReturnType<typeof startPlanMigration>>, z.output<typeof planMigration>>;
type _Detail = Conforms<Omit<Awaited<ReturnType<typeof getPlanMigration>>, 'items'>, z.output<typeof planMigration>>;
