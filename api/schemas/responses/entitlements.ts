// What GET /customers/:id/entitlements answers (api/services/entitlements.ts).
import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from '../../../domain/status';
import type { getEntitlements } from '../../services/entitlements';
import { timestamp, type Conforms } from './common';

const features = z.array(z.string()).describe('Feature keys, sorted (e.g. `sso`, `audit-log`)');
const limits = z.record(z.string(), z.number().int()).describe("Units per metric: the plans' quotas plus what recurring add-ons buy (e.g. `seats: 12`)");

export const entitlements = z
  .strictObject({
    customerId: z.string(),
    features: features.describe('Every feature any of the subscriptions grants, sorted'),
    limits: limits.describe('Per metric, the sum over the subscriptions'),
    asOf: timestamp.nullable().describe('When the entitlements became what they are; null if the customer was never granted anything'),
    version: z.number().int().describe('Bumped on every change'),
    subscriptions: z
      .array(
        z.strictObject({
          subscriptionId: z.string(),
          planCode: z.string(),
          status: z.enum(SUBSCRIPTION_STATUSES).describe('`trialing`, `active` or `past_due`: the statuses that grant'),
          features,
          limits,
        }),
      )
      .describe('What each subscription that grants anything grants, by id'),
  })
  .describe("What a customer is entitled to now, from all their subscriptions");

type _Entitlements = Conforms<Awaited<ReturnType<typeof getEntitlements>>, z.output<typeof entitlements>>;
