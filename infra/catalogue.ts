// Reading the catalogue (products, plans, add-ons, coupons, offer rules) from the database into the
// domain's shapes and the admin API's entries, and the zod schema that validates offer rules wherever they come from.
import { z } from 'zod';
import type { AddOnDefinition } from '../domain/add-ons';
import { featureKeys } from './feature-keys';
import { parseStored } from './stored-row';
import { toMeteredPricing } from './metered-pricing';
import { taxCode } from './tax-code';
import type { CouponDefinition } from '../domain/discounts';
import type { OfferRule } from '../domain/offers';
import { CANCEL_REASONS } from '../domain/retention';
import type { AddOn, Coupon, OfferRule as OfferRuleRow, Plan, PrismaClient, Product } from '../prisma/generated/client';
import { toPlanSnapshot } from './plans';

const metric = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a metric name such as seats or storage_gb');

/** Tiers, renewals and failed payments are counted: a bound on one is a whole number of them. */
const count = z.number().int().min(0).max(1_000_000);

const condition = z.union([
  z.object({ fact: z.enum(['product', 'planCode', 'interval', 'currency']), equals: z.string().optional(), in: z.array(z.string()).optional() }).strict(),
  z
    .object({
      fact: z.enum(['tier', 'paidRenewals', 'consecutivePaidRenewals', 'failedPayments']),
      atLeast: count.optional(),
      atMost: count.optional(),
    })
    .strict(),
  z.object({ usage: metric, atLeastRatio: z.number().positive().max(10), forPeriods: z.number().int().min(1).max(12) }).strict(),
  z.object({ fact: z.literal('cancelReason'), in: z.array(z.enum(CANCEL_REASONS)).min(1) }).strict(),
  /** Holds an add-on by its code, or custom lines selling a product by its code. */
  z.object({ holds: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an add-on or product code such as extra-seat'), atLeast: z.number().int().min(1).max(100_000).optional() }).strict(),
]);

const RETENTION_TARGETS: readonly string[] = ['current_plan', 'lower_tier'];

/** A rule's target, conditions and discount must suit its moment: upsell at renewals, retention at a cancel. */
function fitsItsMoment(rule: z.infer<typeof definitionShape>, ctx: z.RefinementCtx): void {
  const atCancel = rule.moment === 'cancel';
  const target = rule.offer.target.kind;
  if (atCancel && !RETENTION_TARGETS.includes(target)) {
    ctx.addIssue({ code: 'custom', path: ['offer', 'target', 'kind'], message: 'a rule with moment "cancel" offers current_plan or lower_tier' });
  }
  if (!atCancel && RETENTION_TARGETS.includes(target)) {
    ctx.addIssue({ code: 'custom', path: ['offer', 'target', 'kind'], message: `${target} is a target of rules with moment "cancel" only` });
  }
  if (!atCancel && rule.when.some((condition) => 'fact' in condition && condition.fact === 'cancelReason')) {
    ctx.addIssue({ code: 'custom', path: ['when'], message: 'cancelReason is a condition of rules with moment "cancel" only' });
  }
  if (target === 'current_plan' && (rule.offer.percentOff === 0 || rule.offer.discountPeriods === 0)) {
    ctx.addIssue({ code: 'custom', path: ['offer', 'percentOff'], message: 'staying on the current plan needs a discount: percentOff and discountPeriods above 0' });
  }
}

/** fitsItsMoment as JSON Schema, for the API's document (zod cannot convert a refinement). */
const MOMENT_RULES = {
  if: { required: ['moment'], properties: { moment: { const: 'cancel' } } },
  then: {
    description: 'At the cancel moment: a retention target, and a discount to stay on the current plan',
    properties: {
      offer: {
        properties: { target: { properties: { kind: { enum: RETENTION_TARGETS } } } },
        if: { properties: { target: { properties: { kind: { const: 'current_plan' } } } } },
        then: { properties: { percentOff: { minimum: 1 }, discountPeriods: { minimum: 1 } } },
      },
    },
  },
  else: {
    description: 'At renewal: no retention target, and no cancelReason condition',
    properties: {
      offer: { properties: { target: { properties: { kind: { not: { enum: RETENTION_TARGETS } } } } } },
      when: { items: { not: { required: ['fact'], properties: { fact: { const: 'cancelReason' } } } } },
    },
  },
};

const definitionShape = z
  .object({
    /** 'renewal' (the default: upsell at renewals and usage reports) or 'cancel' (retention, in the portal). */
    moment: z.enum(['renewal', 'cancel']).optional(),
    when: z.array(condition).min(1),
    offer: z
      .object({
        target: z.union([
          z.object({ kind: z.literal('next_tier') }).strict(),
          z.object({ kind: z.literal('annual') }).strict(),
          z.object({ kind: z.literal('product'), product: z.string().min(1) }).strict(),
          z.object({ kind: z.literal('current_plan') }).strict(),
          z.object({ kind: z.literal('lower_tier') }).strict(),
        ]),
        percentOff: z.number().int().min(0).max(100),
        discountPeriods: z.number().int().min(0).max(36),
        expiresInDays: z.number().int().min(1).max(90),
      })
      .strict(),
    cooldownDays: z.number().int().min(0).max(365),
  })
  .strict();

/** What an offer rule's JSON must look like (the id, description, enabled and priority are columns). */
export const offerRuleDefinition = definitionShape.superRefine(fitsItsMoment).meta(MOMENT_RULES);

const ruleColumns = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes'),
  description: z.string().min(1).max(500),
  enabled: z.boolean(),
  priority: z.number().int().min(-1000).max(1000),
};

export const offerRule = definitionShape.extend(ruleColumns).superRefine(fitsItsMoment).meta(MOMENT_RULES);

/** A whole rule whose id may be left out (where something else names it, as the API's path does). */
export const offerRuleWithOptionalId = definitionShape.extend({ ...ruleColumns, id: ruleColumns.id.optional() }).superRefine(fitsItsMoment).meta(MOMENT_RULES);

export function toOfferRule(row: OfferRuleRow): OfferRule {
  const definition = parseStored(offerRuleDefinition, row.definition, `offer rule ${row.id}, definition`);
  return { id: row.id, description: row.description, enabled: row.enabled, priority: row.priority, ...definition };
}

/**
 * The enabled offer rules, highest priority first as stored; a rule broken by a hand edit is
 * skipped (and told to `onInvalid`), never fatal: billing, a usage report or a cancel go on.
 */
export async function enabledOfferRules(prisma: Pick<PrismaClient, 'offerRule'>, onInvalid: (ruleId: string, error: unknown) => void): Promise<OfferRule[]> {
  return (await prisma.offerRule.findMany({ where: { enabled: true } })).flatMap((row) => {
    try {
      return [toOfferRule(row)];
    } catch (error) {
      onInvalid(row.id, error);
      return [];
    }
  });
}

export function toAddOnDefinition(row: AddOn): AddOnDefinition {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    prices: parseStored(z.record(z.string(), z.number().int()), row.prices, `add-on ${row.code}, prices`),
    metric: row.metric,
    unitsPerQuantity: row.unitsPerQuantity,
    features: featureKeys(row.features, `add-on ${row.code}`),
    tax: taxCode(row),
    ...(row.kind === 'metered' && row.pricing !== null ? { pricing: toMeteredPricing(row.pricing, `add-on ${row.code}`) } : {}),
    ...(row.shipsEachPeriod ? { shipsEachPeriod: true } : {}),
  };
}

export function toCouponDefinition(row: Coupon): CouponDefinition {
  return {
    code: row.code,
    name: row.name,
    percentOff: row.percentOff,
    amountOffCents: row.amountOffCents,
    currency: row.currency,
    duration: row.duration,
    durationPeriods: row.durationPeriods,
  };
}

/** When an entry was created, last changed and archived, as the admin lists show it. */
function lifecycle(row: { active: boolean; archivedAt: Date | null; createdAt: Date; updatedAt: Date }) {
  return { active: row.active, archivedAt: row.archivedAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function toProductEntry(row: Product) {
  return { code: row.code, name: row.name, description: row.description, ...lifecycle(row) };
}

export function toPlanEntry(row: Plan) {
  return { ...toPlanSnapshot(row), ...lifecycle(row) };
}

export function toAddOnEntry(row: AddOn) {
  return { ...toAddOnDefinition(row), ...lifecycle(row) };
}

export function toCouponEntry(row: Coupon) {
  return {
    ...toCouponDefinition(row),
    maxRedemptions: row.maxRedemptions,
    redemptions: row.redemptions,
    redeemBy: row.redeemBy?.toISOString() ?? null,
    appliesToPlans: row.appliesToPlans,
    ...lifecycle(row),
  };
}
