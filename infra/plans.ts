// Plan rows as the snapshot a subscription carries.
import type { PlanSnapshot } from '../domain/plans';
import type { Plan } from '../prisma/generated/client';
import { featureKeys } from './feature-keys';
import { taxCode } from './tax-code';

export function toPlanSnapshot(plan: Plan): PlanSnapshot {
  return {
    code: plan.code,
    name: plan.name,
    product: plan.product,
    tier: plan.tier,
    interval: { unit: plan.intervalUnit, count: plan.intervalCount },
    amountCents: plan.amountCents,
    currency: plan.currency,
    trialDays: plan.trialDays,
    quotas: (plan.quotas ?? {}) as Record<string, number>,
    features: featureKeys(plan.features),
    tax: taxCode(plan),
  };
}
