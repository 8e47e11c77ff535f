// Products, plans, add-ons and coupons: read with any key, created, edited and archived with an
// `admin` key (api/routes/products.ts, plans.ts, add-ons.ts, coupons.ts).
import type { z } from 'zod';
import {
  addOnCodeParams,
  couponCodeParams,
  createAddOnBody,
  createCouponBody,
  createPlanBody,
  createProductBody,
  listAddOnsQuery,
  listCouponsQuery,
  listPlansQuery,
  listProductsQuery,
  planCodeParams,
  productParams,
  updateAddOnBody,
  updateCouponBody,
  updatePlanBody,
  updateProductBody,
} from '../../schemas/catalogue-admin';
import { addOnEntry, couponEntry, planEntry, productEntry } from '../../schemas/responses/catalogue';
import { page } from '../../schemas/responses/common';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

const LIST_FIELDS = {
  status: '`active` (default), `archived` or `all`',
  q: 'Only entries whose code starts with it (case-sensitive) or whose name does (any case)',
  cursor: '`nextCursor` of the previous page',
  limit: '1-100, default 100',
};

interface Kind {
  /** As in paths: `products`. */
  path: string;
  /** As in operation ids: `Product`. */
  id: string;
  /** As in sentences: `product`. */
  noun: string;
  params: z.ZodObject;
  example: string;
  entry: z.ZodType;
  list: { query: z.ZodObject; example: Record<string, string | number>; fields: Record<string, string>; summary: string };
  create: { body: z.ZodType; example: unknown; fields?: Record<string, string>; errors?: Endpoint['errors'] };
  update: { body: z.ZodType; example: unknown; description: string; errors?: Endpoint['errors'] };
  archive: string;
}

function endpointsOf(kind: Kind): Endpoint[] {
  const one = { params: kind.params, paramExamples: { code: kind.example }, tag: 'catalogue' as const };
  const notFound = { 404: `No ${kind.noun} has this code` };
  return [
    {
      method: 'get',
      path: `/${kind.path}`,
      operationId: `list${kind.id}s`,
      tag: 'catalogue',
      summary: kind.list.summary,
      description: 'In the order they were created, a page at a time (keyset: a page costs the same with 10,000 entries).',
      query: kind.list.query,
      queryExample: kind.list.example,
      fields: { ...LIST_FIELDS, ...kind.list.fields },
      answers: [ok(page(kind.entry), `One page of ${kind.noun}s`)],
    },
    {
      method: 'post',
      path: `/${kind.path}`,
      operationId: `create${kind.id}`,
      tag: 'catalogue',
      summary: `Create a ${kind.noun}`,
      body: kind.create.body,
      example: kind.create.example,
      ...(kind.create.fields ? { fields: kind.create.fields } : {}),
      answers: [{ status: 201, description: `The ${kind.noun} as stored`, schema: kind.entry, headers: ['Location'] }],
      errors: { 409: `A ${kind.noun} with this code exists`, ...kind.create.errors },
    },
    {
      method: 'get',
      path: `/${kind.path}/:code`,
      operationId: `get${kind.id}`,
      summary: `A ${kind.noun}, archived or not`,
      ...one,
      answers: [ok(kind.entry, `The ${kind.noun}`)],
      errors: notFound,
    },
    {
      method: 'patch',
      path: `/${kind.path}/:code`,
      operationId: `update${kind.id}`,
      summary: `Edit a ${kind.noun}`,
      description: kind.update.description,
      ...one,
      body: kind.update.body,
      example: kind.update.example,
      answers: [ok(kind.entry, `The ${kind.noun} after the edit`)],
      errors: { ...notFound, ...kind.update.errors },
    },
    {
      method: 'post',
      path: `/${kind.path}/:code/archive`,
      operationId: `archive${kind.id}`,
      summary: `Archive a ${kind.noun}`,
      description: `${kind.archive} Nothing is deleted: an entry a subscription uses stays readable.`,
      ...one,
      answers: [ok(kind.entry, `The ${kind.noun}, archived`)],
      errors: notFound,
    },
    {
      method: 'post',
      path: `/${kind.path}/:code/unarchive`,
      operationId: `unarchive${kind.id}`,
      summary: `Put an archived ${kind.noun} back on sale`,
      ...one,
      answers: [ok(kind.entry, `The ${kind.noun}, active`)],
      errors: notFound,
    },
  ];
}

export const catalogueAdminEndpoints: Endpoint[] = [
  ...endpointsOf({
    path: 'products',
    id: 'Product',
    noun: 'product',
    params: productParams,
    example: 'pro',
    entry: productEntry,
    list: { query: listProductsQuery, example: { status: 'all', limit: 10 }, fields: {}, summary: 'Products' },
    create: { body: createProductBody, example: { code: 'team', name: 'Team', description: 'For teams of 10 to 50' } },
    update: { body: updateProductBody, example: { description: 'For teams of 10 to 100' }, description: 'Its name and description.' },
    archive: 'New plans cannot name an archived product; its plans stay as they are.',
  }),
  ...endpointsOf({
    path: 'plans',
    id: 'Plan',
    noun: 'plan',
    params: planCodeParams,
    example: 'pro-monthly',
    entry: planEntry,
    list: {
      query: listPlansQuery,
      example: { product: 'pro', currency: 'EUR' },
      fields: { product: 'Only plans of this product', currency: 'Only plans billed in this currency' },
      summary: 'Plans',
    },
    create: {
      body: createPlanBody,
      example: {
        code: 'team-monthly',
        name: 'Team monthly',
        product: 'pro',
        tier: 4,
        interval: { unit: 'month', count: 1 },
        amountCents: 4_900,
        currency: 'EUR',
        trialDays: 14,
        quotas: { seats: 25 },
        taxCategory: 'standard',
        taxInclusive: true,
      },
      fields: { product: 'An active product (POST /products)', tier: 'Position in the upgrade ladder: a higher tier is an upgrade' },
      errors: { 400: 'The body is not valid, or no product has this code' },
    },
    update: {
      body: updatePlanBody,
      example: { name: 'Pro monthly (2027)', quotas: { seats: 12, storage_gb: 100 } },
      description:
        'Name, tier, trial, quotas and VAT. Subscriptions carry the plan as they bought it: an edit applies to new subscriptions and plan changes. ' +
        'A price, currency, interval, product or code is refused with a 400 naming the way to do it (a new price: `POST /plans/:code/prices`).',
      errors: { 400: 'The body is not valid, or names a field a plan cannot change (`errors` says what to do instead)' },
    },
    archive: 'No new subscription or plan change can take it (409); subscriptions on it keep renewing as before.',
  }),
  ...endpointsOf({
    path: 'add-ons',
    id: 'AddOn',
    noun: 'add-on',
    params: addOnCodeParams,
    example: 'extra-seat',
    entry: addOnEntry,
    list: { query: listAddOnsQuery, example: { kind: 'recurring' }, fields: { kind: '`recurring`, `one_time` or `metered`' }, summary: 'Add-ons' },
    create: {
      body: createAddOnBody,
      example: { code: 'priority-support', name: 'Priority support', kind: 'recurring', prices: { EUR: 1_500, NOK: 15_000 } },
      fields: {
        kind: '`recurring` (every period), `one_time` (once, on the next invoice) or `metered` (billed from usage of `metric`)',
        prices: 'Price of one unit per month (recurring) or once (one-time), per currency, in minor units',
        metric: "The usage metric each unit adds to the plan's quota; required for metered",
        shipsEachPeriod: 'A recurring add-on shipped every period (a box, a magazine): each period gets a delivery the customer may skip before its cut-off',
      },
    },
    update: {
      body: updateAddOnBody,
      example: { prices: { EUR: 1_900, NOK: 19_000 } },
      description: 'A new price applies from the next change of quantity; add-ons already held keep the price they were bought at.',
    },
    archive: 'It can no longer be bought; subscriptions that hold it keep it.',
  }),
  ...endpointsOf({
    path: 'coupons',
    id: 'Coupon',
    noun: 'coupon',
    params: couponCodeParams,
    example: 'WELCOME20',
    entry: couponEntry,
    list: { query: listCouponsQuery, example: { status: 'all', q: 'WEL' }, fields: { currency: 'Only fixed-amount coupons in this currency' }, summary: 'Coupons' },
    create: {
      body: createCouponBody,
      example: { code: 'SPRING25', name: '25% off for 3 months', percentOff: 25, duration: 'repeating', durationPeriods: 3, maxRedemptions: 500, redeemBy: '2027-06-01T00:00:00Z', appliesToPlans: ['pro-monthly'] },
      fields: {
        percentOff: 'Either this (1-100) or amountOffCents with currency',
        duration: '`once`, `repeating` (for durationPeriods period invoices) or `forever`',
        maxRedemptions: 'How many times it can be applied in all; counted atomically',
        redeemBy: 'Not applied after this time (the API clock)',
        appliesToPlans: 'Plan codes it can be applied to; empty or left out: every plan',
      },
      errors: { 400: 'The body is not valid, or appliesToPlans names a plan that does not exist' },
    },
    update: {
      body: updateCouponBody,
      example: { maxRedemptions: 1_000, redeemBy: null },
      description: 'Its name and limits. What it takes off is what its holders were promised, and does not change.',
      errors: { 400: 'The body is not valid, or appliesToPlans names a plan that does not exist', 409: 'maxRedemptions is below the redemptions already made' },
    },
    archive: 'It can no longer be applied; subscriptions that hold its discount keep it.',
  }),
];
