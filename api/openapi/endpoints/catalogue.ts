// Upsell rules and bulk plan migrations (api/routes/catalogue.ts, plan-migrations.ts); products,
// plans, add-ons and coupons are in catalogue-admin.ts.
import { offerRule } from '../../../infra/catalogue';
import { offerRuleBody, offerRuleParams } from '../../schemas/catalogue';
import { planMigrationParams, planMigrationQuery, planParams, startPlanMigrationBody } from '../../schemas/plan-migrations';
import { list } from '../../schemas/responses/common';
import { planMigration, planMigrationDetail } from '../../schemas/responses/plan-migrations';
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
    path: '/plans/:code/migrations',
    operationId: 'startPlanMigration',
    tag: 'migrations',
    summary: 'Move every subscription on a plan to another plan',
    description:
      'Each subscription moves at its next renewal, like a scheduled downgrade: nothing is prorated or charged early. ' +
      'The migration runs in the background; `Location` reports its progress.',
    params: planParams,
    paramExamples: { code: 'basic-monthly' },
    body: startPlanMigrationBody,
    example: { toPlan: 'pro-monthly', excludeSubscriptionIds: ['sub_vip'] },
    fields: {
      toPlan: 'Must exist, be on sale and bill in the same currency',
      excludeGrandfathered: 'Default true: subscriptions marked grandfathered stay',
      excludeSubscriptionIds: 'These stay too',
    },
    answers: [{ status: 202, description: 'Started', schema: planMigration, headers: ['Location'] }],
    errors: {
      400: 'The body is not valid, or the target plan is unknown or the same plan',
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
