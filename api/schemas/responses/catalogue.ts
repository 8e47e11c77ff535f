// The catalogue as the API shows it: plans, add-ons, coupons (infra/plans.ts, infra/catalogue.ts).
import { z } from 'zod';
import type { AddOnDefinition } from '../../../domain/add-ons';
import type { CouponDefinition } from '../../../domain/discounts';
import type { PlanSnapshot } from '../../../domain/plans';
import type { toAddOnEntry, toCouponEntry, toPlanEntry, toProductEntry } from '../../../infra/catalogue';
import { meteredPricing } from '../../../infra/metered-pricing';
import { currency, minorUnits, timestamp, type Conforms } from './common';

export const taxCode = z
  .strictObject({
    category: z.enum(['standard', 'reduced_middle', 'reduced_low', 'exempt']).describe('VAT category: Norway 25 %, 15 %, 12 %, 0 %; EU countries by their own table'),
    inclusive: z.boolean().describe('Whether the price includes VAT (otherwise VAT is added on top)'),
  })
  .describe('How VAT applies to the price');

export const plan = z
  .strictObject({
    code: z.string().describe('e.g. `pro-monthly`'),
    name: z.string(),
    product: z.string(),
    tier: z.number().int().describe('Position in the upgrade ladder: a higher tier is an upgrade'),
    interval: z.strictObject({ unit: z.enum(['second', 'day', 'week', 'month', 'year']), count: z.number().int().min(1) }),
    amountCents: minorUnits,
    currency,
    trialDays: z.number().int().min(0),
    quotas: z.record(z.string(), z.number()).describe('Units included in the price, per usage metric (e.g. `seats: 10`)'),
    features: z.array(z.string()).optional().describe('Feature keys the plan grants (e.g. `sso`); absent on subscriptions that took the plan before features existed'),
    tax: taxCode.optional(),
    priceVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("The plan's price version `amountCents` is (`GET /plans/:code/prices`); absent when the subscription bought the plan before price versions were recorded"),
  })
  .describe('A plan, as priced when the subscription took it');


export const addOn = z.strictObject({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['recurring', 'one_time', 'metered']),
  prices: z.record(z.string(), minorUnits).describe('Price of one unit per month (recurring) or once (one-time), per currency; empty for metered'),
  metric: z.string().nullable().describe("The usage metric each unit adds to the plan's quota; for metered add-ons, the metric billed"),
  unitsPerQuantity: z.number().int(),
  features: z.array(z.string()).optional().describe('Feature keys a recurring add-on grants while attached'),
  tax: taxCode.optional(),
  pricing: meteredPricing.optional().describe('Metered add-ons: how usage is aggregated and priced per period (billed in arrears)'),
  shipsEachPeriod: z.boolean().optional().describe('Recurring add-ons shipped every period: each period gets a delivery (GET /subscriptions/:id/deliveries)'),
});

export const coupon = z.strictObject({
  code: z.string(),
  name: z.string(),
  percentOff: z.number().int().nullable(),
  amountOffCents: minorUnits.nullable(),
  currency: currency.nullable().describe('Currency of a fixed amount off; null for percentages'),
  duration: z.enum(['once', 'repeating', 'forever']),
  durationPeriods: z.number().int().nullable().describe("With `repeating`: for how many period invoices"),
});

type _Plan = Conforms<PlanSnapshot, z.output<typeof plan>>;
type _AddOn = Conforms<AddOnDefinition, z.output<typeof addOn>>;
type _Coupon = Conforms<CouponDefinition, z.output<typeof coupon>>;

/** When a catalogue entry was created, last changed and archived. */
const lifecycle = {
  active: z.boolean().describe('False once archived: not offered to new subscriptions, plan changes or purchases'),
  archivedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const productEntry = z.strictObject({ code: z.string().describe('e.g. `pro`'), name: z.string(), description: z.string(), ...lifecycle }).describe('A product plans sell');

export const planEntry = plan.extend(lifecycle).describe('A plan in the catalogue');

export const addOnEntry = addOn.extend(lifecycle).describe('An add-on in the catalogue');

export const couponEntry = coupon
  .extend({
    maxRedemptions: z.number().int().nullable().describe('How many times it can be applied in all; null: no limit'),
    redemptions: z.number().int().describe('How many times it has been applied'),
    redeemBy: timestamp.nullable().describe('Not applied after this time; null: no expiry'),
    appliesToPlans: z.array(z.string()).describe('Plan codes it can be applied to; empty: every plan'),
    ...lifecycle,
  })
  .describe('A coupon in the catalogue, with its limits');

type _ProductEntry = Conforms<ReturnType<typeof toProductEntry>, z.output<typeof productEntry>>;
type _PlanEntry = Conforms<ReturnType<typeof toPlanEntry>, z.output<typeof planEntry>>;
type _AddOnEntry = Conforms<ReturnType<typeof toAddOnEntry>, z.output<typeof addOnEntry>>;
type _CouponEntry = Conforms<ReturnType<typeof toCouponEntry>, z.output<typeof couponEntry>>;
