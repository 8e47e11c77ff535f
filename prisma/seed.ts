// Seeds the plan catalogue (idempotent: safe on every start).
import { PLAN_CATALOGUE } from '../domain/plans';
import type { PrismaClient } from './generated/client';

export async function seedPlans(prisma: PrismaClient): Promise<number> {
  for (const plan of PLAN_CATALOGUE) {
    const data = {
      name: plan.name,
      product: plan.product,
      tier: plan.tier,
      intervalUnit: plan.interval.unit,
      intervalCount: plan.interval.count,
      amountCents: plan.amountCents,
      currency: plan.currency,
      trialDays: plan.trialDays,
    };
    // Existing plans are left as operators last edited them.
    await prisma.plan.upsert({ where: { code: plan.code }, create: { code: plan.code, ...data }, update: {} });
  }
  return PLAN_CATALOGUE.length;
}
