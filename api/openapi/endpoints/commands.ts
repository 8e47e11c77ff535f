// Commands on one subscription, each a workflow update (api/routes/subscription-commands.ts).
import { cancelBody, changePlanBody, emptyBody, pauseBody, paymentMethodBody, previewPlanChangeQuery, resumeBody } from '../../schemas/commands';
import { planChangePreview, planChangeResult } from '../../schemas/responses/subscription';
import { subscriptionParams } from '../../schemas/subscriptions';
import type { Endpoint } from '../endpoint';
import { NO_SUBSCRIPTION, ok, REFUSED, SUBSCRIPTION_ID, subscriptionAfter } from './answers';

const command = { tag: 'commands', params: subscriptionParams, paramExamples: SUBSCRIPTION_ID } as const;
const WHEN = '`now` or `period_end`';

export const commandEndpoints: Endpoint[] = [
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/plan',
    operationId: 'changePlan',
    summary: 'Change the plan',
    description:
      'By default an upgrade applies now, prorated, and is applied only once its invoice is paid; a downgrade is scheduled for the end of the period. ' +
      'A declined card leaves the plan as it was (402).',
    body: changePlanBody,
    example: { plan: 'business-monthly' },
    fields: { plan: 'Code of an active plan in the same currency', when: `${WHEN}; default: upgrades now, downgrades at period end` },
    answers: [ok(planChangeResult, 'The change, its invoice when it applied now, and the subscription')],
    errors: { 400: 'The body is not valid, or the plan is unknown', 402: 'The proration charge was declined: nothing changed', 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'get',
    path: '/subscriptions/:id/plan-change/preview',
    operationId: 'previewPlanChange',
    summary: 'Preview a plan change',
    description: 'The exact invoice the change would issue now; changes nothing.',
    query: previewPlanChangeQuery,
    queryExample: { plan: 'basic-monthly' },
    fields: { plan: 'Code of an active plan', when: WHEN },
    answers: [ok(planChangePreview, 'What the change would do')],
    errors: { 400: 'The query is not valid, or the plan is unknown', 404: NO_SUBSCRIPTION, 409: 'The change would be refused (the reason is in `detail`)' },
  },
  {
    ...command,
    method: 'delete',
    path: '/subscriptions/:id/plan-change',
    operationId: 'cancelScheduledPlanChange',
    summary: 'Drop a scheduled plan change',
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/cancel',
    operationId: 'cancelSubscription',
    summary: 'Cancel',
    description: 'At the end of the period (default) or now, optionally refunding the unused part of the period.',
    body: cancelBody,
    optionalBody: true,
    example: { when: 'period_end' },
    fields: { when: `${WHEN}; default period_end`, refund: '`none` (default) or `prorated`: refund the unused part of the period (with `when: now`)' },
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/uncancel',
    operationId: 'uncancelSubscription',
    summary: 'Withdraw a cancellation at period end',
    body: emptyBody,
    optionalBody: true,
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/pause',
    operationId: 'pauseSubscription',
    summary: 'Pause',
    description: 'Nothing is billed while paused; the unused part of a period paused now becomes credit.',
    body: pauseBody,
    optionalBody: true,
    example: { when: 'now', periods: 2 },
    fields: { when: `${WHEN}; default now`, periods: 'Resume on its own after this many billing periods; omit to pause until resumed' },
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/resume',
    operationId: 'resumeSubscription',
    summary: 'Resume a paused subscription',
    body: resumeBody,
    optionalBody: true,
    example: { billingAnchor: 'now' },
    fields: { billingAnchor: '`now` (default): a new period starts today; `keep`: the old billing dates' },
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    ...command,
    method: 'post',
    path: '/subscriptions/:id/payment-method',
    operationId: 'updatePaymentMethod',
    summary: 'Replace the payment method',
    description: 'In `past_due` or `incomplete` the open invoice is charged at once; in `unpaid` a successful charge reactivates the subscription.',
    body: paymentMethodBody,
    example: { paymentMethod: 'pm_card_visa' },
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
];
