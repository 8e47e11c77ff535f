// Plan rows as the snapshot a subscription carries: at the plan's current price, or at one of its
// price versions (a migration's target).
import type { PlanSnapshot } from '../domain/plans';
import type { Plan, PlanPriceVersion } from '../prisma/generated/client';
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
    features: featureKeys(plan.features, `plan ${plan.code}`),
    tax: taxCode(plan),
    priceVersion: plan.priceVersion,
  };
}

/** The plan at one of its price versions (a migration's target), which may not be its current one. */
export function toPlanSnapshotAt(plan: Plan, version: Pick<PlanPriceVersion, 'version' | 'amountCents'>): PlanSnapshot {
  return { ...toPlanSnapshot(plan), amountCents: version.amountCents, priceVersion: version.version };
}
