// What the catalogue's admin endpoints accept: products, plans, add-ons and coupons created,
// edited and archived through the API (api/routes/products.ts, plans.ts, add-ons.ts, coupons.ts).
// Prices are not edited here: a plan's price, currency and interval are what its subscribers
// bought, so a PATCH that names them is refused (api/services/catalogue-admin.ts says where to go).
import { z } from 'zod';
import { catalogueCode } from './codes';
import { MAX_PRICE_CENTS } from './price-versions';
import { optional, pagination } from './reads';
import { changingSomething } from './refinements';
import { meteredPricing } from '../../infra/metered-pricing';
import { CUSTOM_LINE_CODE, isCustomLineCode } from '../../domain/custom-lines';

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
const minorUnits = z.number().int().min(0).max(MAX_PRICE_CENTS);
const name = z.string().trim().min(1).max(200);
const metric = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a metric name such as seats or storage_gb');
const quotas = z
  .record(metric, z.number().int().min(0).max(1_000_000_000))
  .refine((q) => Object.keys(q).length <= 50, 'at most 50 metrics')
  .meta({ maxProperties: 50 });
const taxCategory = z.enum(['standard', 'reduced_middle', 'reduced_low', 'exempt']);

export const productParams = z.object({ code: catalogueCode('pro') });
export const planCodeParams = z.object({ code: catalogueCode('pro-monthly') });
export const addOnCodeParams = z.object({ code: catalogueCode('extra-seat') });
export const couponCodeParams = z.object({ code: catalogueCode('WELCOME20') });

export const createProductBody = z.strictObject({
  code: catalogueCode('pro'),
  name,
  description: z.string().max(2_000).optional(),
});

export const updateProductBody = changingSomething(z.strictObject({ name: name.optional(), description: z.string().max(2_000).optional() }));

export const createPlanBody = z.strictObject({
  code: catalogueCode('pro-monthly'),
  name,
  product: catalogueCode('pro'),
  tier: z.number().int().min(0).max(1_000),
  interval: z.strictObject({ unit: z.enum(['day', 'week', 'month', 'year']), count: z.number().int().min(1).max(36) }),
  amountCents: minorUnits,
  currency,
  trialDays: z.number().int().min(0).max(365).default(0),
  quotas: quotas.default({}),
  taxCategory: taxCategory.default('standard'),
  taxInclusive: z.boolean().default(true),
});

/** Fields a plan's subscribers did not buy at a price: they may change. */
const planEdits = {
  name: name.optional(),
  tier: z.number().int().min(0).max(1_000).optional(),
  trialDays: z.number().int().min(0).max(365).optional(),
  quotas: quotas.optional(),
  taxCategory: taxCategory.optional(),
  taxInclusive: z.boolean().optional(),
};

/** Fields a PATCH may not carry, and why (the answer names the way to change them instead). */
export const FIXED_PLAN_FIELDS = {
  amountCents: 'a price changes with a new price version: POST /plans/:code/prices',
  currency: 'a currency is fixed for a plan: create another plan in the other currency',
  interval: 'an interval is fixed for a plan: create another plan with the other interval',
  product: 'a plan stays in its product: create another plan in the other product',
  code: 'a code names the plan for good: create another plan',
} as const;

/** A body naming a fixed field is refused with the reason (fixedPlanFields) before this schema runs. */
export const updatePlanBody = changingSomething(z.strictObject(planEdits));

/** The fields of `body` a plan cannot change, each with the way to do what was meant instead. */
export function fixedPlanFields(body: unknown): Array<{ field: string; message: string }> {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(FIXED_PLAN_FIELDS)
    .filter(([field]) => Object.hasOwn(body, field))
    .map(([field, message]) => ({ field, message }));
}

const prices = z
  .record(currency, minorUnits)
  .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= 50, 'name a price in 1 to 50 currencies')
  .meta({ minProperties: 1, maxProperties: 50 });

/**
 * What the superRefine of createAddOnBody checks, for the document: one alternative per kind, as
 * Swagger UI shows a oneOf (it merges an allOf of conditionals into one, and would show them wrong).
 */
const ADD_ON_KINDS = {
  oneOf: [
    { title: 'Recurring', required: ['prices'], properties: { kind: { const: 'recurring' }, prices: { minProperties: 1, maxProperties: 50 }, pricing: false } },
    {
      title: 'One-time: adds to no quota, not shipped',
      required: ['prices'],
      properties: { kind: { const: 'one_time' }, prices: { minProperties: 1, maxProperties: 50 }, pricing: false, metric: { type: 'null' }, shipsEachPeriod: { const: false } },
    },
    {
      title: 'Metered: a metric and pricing tiers, no prices, not shipped',
      required: ['metric', 'pricing'],
      properties: { kind: { const: 'metered' }, metric: { type: 'string' }, prices: { maxProperties: 0 }, shipsEachPeriod: { const: false } },
    },
  ],
};

export const createAddOnBody = z
  .strictObject({
    // custom-1, custom-2, … name a subscription's custom lines (domain/custom-lines.ts).
    code: catalogueCode('extra-seat')
      .refine((code) => !isCustomLineCode(code), 'custom-<number> is how custom lines are named; choose another code')
      .meta({ not: { pattern: CUSTOM_LINE_CODE.source } }),
    name,
    kind: z.enum(['recurring', 'one_time', 'metered']),
    prices: z.record(currency, minorUnits).default({}),
    metric: metric.nullable().default(null),
    unitsPerQuantity: z.number().int().min(0).max(1_000_000).default(0),
    pricing: meteredPricing.optional(),
    shipsEachPeriod: z.boolean().default(false),
    taxCategory: taxCategory.default('standard'),
    taxInclusive: z.boolean().default(true),
  })
  .superRefine((body, ctx) => {
    const currencies = Object.keys(body.prices).length;
    if (body.kind === 'metered') {
      if (body.metric === null) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'a metered add-on names the metric it is billed by' });
      if (body.pricing === undefined) ctx.addIssue({ code: 'custom', path: ['pricing'], message: 'a metered add-on is priced by its tiers: give its pricing' });
      if (currencies > 0) ctx.addIssue({ code: 'custom', path: ['prices'], message: 'a metered add-on has no price per quantity: its pricing tiers price it' });
      if (body.shipsEachPeriod) ctx.addIssue({ code: 'custom', path: ['shipsEachPeriod'], message: 'only a recurring add-on ships every period' });
      return;
    }
    if (body.pricing !== undefined) ctx.addIssue({ code: 'custom', path: ['pricing'], message: 'only a metered add-on has pricing tiers' });
    if (currencies < 1 || currencies > 50) ctx.addIssue({ code: 'custom', path: ['prices'], message: 'name a price in 1 to 50 currencies' });
    if (body.shipsEachPeriod && body.kind !== 'recurring') ctx.addIssue({ code: 'custom', path: ['shipsEachPeriod'], message: 'only a recurring add-on ships every period' });
    if (body.kind === 'one_time' && body.metric !== null) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'a one-time add-on adds to no quota' });
  })
  .meta(ADD_ON_KINDS);

/** Prices of an add-on are per unit and bought anew at each change of quantity, so they may change. */
export const updateAddOnBody = changingSomething(
  z.strictObject({
    name: name.optional(),
    prices: prices.optional(),
    unitsPerQuantity: z.number().int().min(0).max(1_000_000).optional(),
    /** A metered add-on's tiers; subscriptions that hold it keep the pricing they bought. */
    pricing: meteredPricing.optional(),
    taxCategory: taxCategory.optional(),
    taxInclusive: z.boolean().optional(),
  }),
);

const couponLimits = {
  maxRedemptions: z.number().int().min(1).max(100_000_000).nullable().optional(),
  redeemBy: z.iso.datetime().nullable().optional(),
  appliesToPlans: z.array(catalogueCode('pro-monthly')).max(100).optional(),
};

/** What the superRefine below checks, for the document: a percentage or an amount in a currency, and durationPeriods with `repeating` only. */
const COUPON_RULES = {
  oneOf: [
    { title: 'A percentage off', required: ['percentOff'], properties: { amountOffCents: false, currency: false } },
    { title: 'An amount off, in a currency', required: ['amountOffCents', 'currency'], properties: { percentOff: false } },
  ],
  if: { properties: { duration: { const: 'repeating' } } },
  then: { required: ['durationPeriods'] },
  else: { properties: { durationPeriods: false } },
};

export const createCouponBody = z
  .strictObject({
    code: catalogueCode('WELCOME20'),
    name,
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffCents: z.number().int().min(1).max(MAX_PRICE_CENTS).optional(),
    currency: currency.optional(),
    duration: z.enum(['once', 'repeating', 'forever']),
    durationPeriods: z.number().int().min(1).max(120).optional(),
    ...couponLimits,
  })
  .superRefine((body, ctx) => {
    const percent = body.percentOff !== undefined;
    const amount = body.amountOffCents !== undefined;
    if (percent === amount) ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'give either percentOff or amountOffCents (with currency)' });
    if (amount && body.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'an amount off is in a currency' });
    if (percent && body.currency !== undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'a percentage off has no currency' });
    if ((body.duration === 'repeating') !== (body.durationPeriods !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['durationPeriods'], message: 'durationPeriods is given with duration "repeating", and only then' });
    }
  })
  .meta(COUPON_RULES);

/** What a coupon takes off is what its holders were promised: only its name and limits change. */
export const updateCouponBody = changingSomething(z.strictObject({ name: name.optional(), ...couponLimits }));

const status = optional(z.enum(['active', 'archived', 'all'])).transform((s) => s ?? 'active');
/** The start of a code or name: printable, and no LIKE wildcard or escape. */
const prefix = optional(
  z
    .string()
    .min(1)
    .max(64)
    .refine((q) => [...q].every((c) => c >= ' ' && c !== '%' && c !== '\\'), 'must be plain text (no control characters, % or \\)')
    .meta({ pattern: '^[^\\u0000-\\u001F%\\\\]*$' }),
);
const listLimit = optional(z.coerce.number().int().min(1).max(100)).transform((limit) => limit ?? 100);

const listQuery = { status, q: prefix, cursor: pagination.cursor, limit: listLimit };

export const listProductsQuery = z.strictObject(listQuery);
export const listPlansQuery = z.strictObject({ ...listQuery, product: optional(catalogueCode('pro')), currency: optional(currency) });
export const listAddOnsQuery = z.strictObject({ ...listQuery, kind: optional(z.enum(['recurring', 'one_time', 'metered'])) });
export const listCouponsQuery = z.strictObject({ ...listQuery, currency: optional(currency) });

export type CatalogueListQuery = z.output<typeof listProductsQuery>;
