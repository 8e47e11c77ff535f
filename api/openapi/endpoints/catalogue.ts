// Upsell rules, price versions and bulk plan migrations (api/routes/catalogue.ts,
// price-versions.ts, plan-migrations.ts); products, plans, add-ons and coupons are in
// catalogue-admin.ts.
import { offerRule } from '../../../infra/catalogue';
import { offerRuleBody, offerRuleParams } from '../../schemas/catalogue';
import { planMigrationParams, planMigrationQuery, planParams, startPlanMigrationBody } from '../../schemas/plan-migrations';
import { MAX_PRICE_CENTS, newPriceVersionBody, priceVersionsQuery } from '../../schemas/price-versions';
import { list } from '../../schemas/responses/common';
import { planMigration, planMigrationDetail } from '../../schemas/responses/plan-migrations';
import { priceVersion, priceVersionHistory } from '../../schemas/responses/price-versions';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

export const catalogueEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/offer-rules',
    operationId: 'listOfferRules',
    tag: 'catalogue',
    summary: 'Upsell and retention rules',
    answers: [ok(list(offerRule), 'Every rule, highest priority first')],
  },
  {
    method: 'put',
    path: '/offer-rules/:id',
    operationId: 'putOfferRule',
    tag: 'catalogue',
    summary: 'Create or replace an upsell or retention rule',
    description:
      'Running subscriptions use it from their next evaluation: at renewal for upsell rules, when a customer asks to cancel in the portal for retention rules (moment "cancel").',
    params: offerRuleParams,
    paramExamples: { id: 'seats-next-tier' },
    body: offerRuleBody,
    example: {
      description: 'Seats above 80% of the quota for 2 periods: next tier, 20% off for 3 months',
      enabled: true,
      priority: 10,
      when: [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }],
      offer: { target: { kind: 'next_tier' }, percentOff: 20, discountPeriods: 3, expiresInDays: 14 },
      cooldownDays: 90,
    },
    fields: {
      id: 'Optional and ignored: the path names the rule',
      moment: '"renewal" (default: upsell) or "cancel" (retention: a cancelReason condition, target current_plan or lower_tier)',
      when: 'Every condition must hold: plan facts, renewal counts, or usage against the quota',
      priority: 'Higher wins when several rules match',
      cooldownDays: 'Days after an offer before the rule may offer again',
    },
    answers: [ok(offerRule, 'The rule as stored')],
  },
  {
    method: 'post',
    path: '/plans/:code/prices',
    operationId: 'addPriceVersion',
    tag: 'catalogue',
    summary: "Change a plan's price: its next price version",
    description:
      'The new version is the plan\'s price from now on: new subscriptions and plan changes take it. Subscriptions already on the plan keep the version they bought ' +
      '(their `plan.priceVersion`) until a plan migration with `toVersion` moves them at their next renewal. Concurrent changes each get their own version number.',
    params: planParams,
    paramExamples: { code: 'pro-monthly' },
    body: newPriceVersionBody,
    example: { amountCents: 3400 },
    fields: { amountCents: `The price per billing period in minor units of the plan's currency, VAT as the plan says; 1-${MAX_PRICE_CENTS}` },
    answers: [{ status: 201, description: 'The new version, now the current one', schema: priceVersion }],
    errors: {
      400: 'The body is not valid: the amount is not a whole number from 1 up',
      404: 'No plan has this code',
      409: 'The plan is archived, or already costs this amount',
    },
  },
  {
    method: 'get',
    path: '/plans/:code/prices',
    operationId: 'listPriceVersions',
    tag: 'catalogue',
    summary: "A plan's price history",
    description: 'Every price version, newest first, with the live subscriptions billed at each (from the database projection).',
    params: planParams,
    paramExamples: { code: 'pro-monthly' },
    query: priceVersionsQuery,
    queryExample: { limit: 10 },
    fields: { cursor: '`nextCursor` of the previous page', limit: '1-100, default 20' },
    answers: [ok(priceVersionHistory, 'One page of versions, newest first')],
    errors: { 404: 'No plan has this code' },
  },
  {
    method: 'post',
    path: '/plans/:code/migrations',
    operationId: 'startPlanMigration',
    tag: 'migrations',
    summary: 'Move every subscription on a plan to another plan, or to a price version',
    description:
      'Each subscription moves at its next renewal, like a scheduled downgrade: nothing is prorated or charged early. ' +
      'The target is a plan at a price version: `toVersion` alone moves the subscriptions on older versions of this plan to that version (the others are skipped). ' +
      'The migration runs in the background; `Location` reports its progress.',
    params: planParams,
    paramExamples: { code: 'basic-monthly' },
    body: startPlanMigrationBody,
    example: { toPlan: 'pro-monthly', excludeSubscriptionIds: ['sub_vip'] },
    fields: {
      toPlan: 'Must exist, be on sale and bill in the same currency; omitted: this plan (then `toVersion` is needed)',
      toVersion: "The target plan's price version (`GET /plans/:code/prices`); omitted: its current one",
      excludeGrandfathered: 'Default true: subscriptions marked grandfathered stay',
      excludeSubscriptionIds: 'These stay too',
    },
    answers: [{ status: 202, description: 'Started', schema: planMigration, headers: ['Location'] }],
    errors: {
      400: 'The body is not valid, the target plan or price version is unknown, or the target is the same plan without a price version',
      404: 'No plan has this code',
      409: 'The target is no longer on sale or bills in another currency, or a migration from this plan is running (`migrationId`)',
    },
  },
  {
    method: 'get',
    path: '/plans/migrations/:id',
    operationId: 'getPlanMigration',
    tag: 'migrations',
    summary: "A plan migration's progress",
    params: planMigrationParams,
    paramExamples: { id: 'pmg_0123456789abcdef' },
    query: planMigrationQuery,
    queryExample: { outcome: 'failed' },
    fields: { outcome: 'Only items with this outcome', cursor: '`items.nextCursor` of the previous page', limit: '1-100, default 100' },
    answers: [ok(planMigrationDetail, 'Counts and one page of items')],
    errors: { 404: 'No plan migration has this id' },
  },
];
