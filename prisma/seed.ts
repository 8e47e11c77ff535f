// Seeds the catalogue: products, plans, add-ons, coupons and offer rules. Idempotent and safe on every
// start: rows that exist are left as operators last edited them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADD_ON_CATALOGUE } from '../domain/add-ons';
import { COUPON_CATALOGUE } from '../domain/discounts';
import { PLAN_CATALOGUE, PRODUCT_CATALOGUE } from '../domain/plans';
import { offerRule } from '../infra/catalogue';
import type { Prisma, PrismaClient } from './generated/client';

export const OFFER_RULES_FILE = path.join(__dirname, 'offer-rules.json');

/**
 * Each plan created here gets its price version 1 (PlanPriceVersion) from the database itself, in
 * the same insert (the trigger of migration 20261204161000_price_versions); a plan that exists is
 * left on the version it is on.
 */
export async function seedPlans(prisma: PrismaClient): Promise<number> {
  for (const product of PRODUCT_CATALOGUE) {
    await prisma.product.upsert({ where: { code: product.code }, create: product, update: {} });
  }
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
      quotas: plan.quotas,
      features: plan.features ?? [],
    };
    await prisma.plan.upsert({ where: { code: plan.code }, create: { code: plan.code, ...data }, update: {} });
    // Plans created before quotas existed get them once.
    await prisma.plan.updateMany({ where: { code: plan.code, quotas: { equals: {} } }, data: { quotas: plan.quotas } });
  }
  return PLAN_CATALOGUE.length;
}

export async function seedCatalogue(prisma: PrismaClient): Promise<{ plans: number; addOns: number; coupons: number; offerRules: number }> {
  const plans = await seedPlans(prisma);
  for (const { code, pricing, ...addOn } of ADD_ON_CATALOGUE) {
    const metered = pricing ? { pricing: pricing as unknown as Prisma.InputJsonValue } : {};
    await prisma.addOn.upsert({ where: { code }, create: { code, ...addOn, ...metered }, update: {} });
  }
  for (const { code, ...coupon } of COUPON_CATALOGUE) {
    await prisma.coupon.upsert({ where: { code }, create: { code, ...coupon }, update: {} });
  }
  const rules = offerRule.array().parse(JSON.parse(readFileSync(OFFER_RULES_FILE, 'utf8')));
  for (const { id, description, enabled, priority, ...definition } of rules) {
    await prisma.offerRule.upsert({ where: { id }, create: { id, description, enabled, priority, definition }, update: {} });
  }
  return { plans, addOns: ADD_ON_CATALOGUE.length, coupons: COUPON_CATALOGUE.length, offerRules: rules.length };
}
