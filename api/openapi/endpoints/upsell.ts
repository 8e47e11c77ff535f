// Usage, add-ons, coupons and upsell offers of one subscription (api/routes/upsell.ts).
import { addOnBody, addOnParams, couponBody, customLineBody, offerActionBody, offerActionQuery, offerParams, previewAddOnQuery, usageBody } from '../../schemas/upsell';
import { addOnChangePreview, planChangeResult, runningUsage, usageAccepted } from '../../schemas/responses/subscription';
import { subscriptionParams } from '../../schemas/subscriptions';
import type { Endpoint } from '../endpoint';
import { NO_SUBSCRIPTION, ok, REFUSED, SUBSCRIPTION_ID, subscriptionAfter } from './answers';

const OFFER_EXAMPLES = { id: 'sub_ada', offerId: 'OFR-sub_ada-0001' };
const LINK =
  "Called by the API's client with a key that has the `write` scope, or by the customer from the emailed link: then `token` (query or body) " +
  'replaces the key, and is good for this offer until the offer expires.';

function offerAction(action: 'accept' | 'decline'): Endpoint {
  return {
    method: 'post',
    path: `/subscriptions/:id/offers/:offerId/${action}`,
    operationId: `${action}Offer`,
    tag: 'offers',
    summary: action === 'accept' ? 'Accept the open offer' : 'Decline the open offer',
    description: action === 'accept' ? `The plan changes now, prorated, and the offer's discount starts. ${LINK}` : LINK,
    params: offerParams,
    paramExamples: OFFER_EXAMPLES,
    query: offerActionQuery,
    body: offerActionBody,
    optionalBody: true,
    fields: { token: "The signed token from the customer's email link" },
    answers: [action === 'accept' ? ok(planChangeResult, 'The plan change and the subscription') : subscriptionAfter],
    errors: {
      404: NO_SUBSCRIPTION,
      409: 'The offer is not the open one, or has expired, or the subscription has ended',
      ...(action === 'accept' ? { 402: 'The proration charge was declined: the offer stays open' } : {}),
    },
  };
}

export const upsellEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/subscriptions/:id/usage',
    operationId: 'recordUsage',
    tag: 'extras',
    summary: 'Report usage',
    description:
      'Stored as a usage event (metered add-ons bill the events of each period in arrears, on the renewal invoice), then signalled to the workflow, ' +
      "whose upsell rules compare usage with the plan's quotas at renewal. A period's usage may arrive late until its grace window after the period's end " +
      '(USAGE_GRACE_HOURS, 1 hour by default) closes; later, it is refused.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: usageBody,
    example: { metric: 'api_calls', quantity: 250, mode: 'increment', eventId: 'calls-2026-05-01T10:00', occurredAt: '2026-05-01T10:00:00Z' },
    fields: {
      metric: 'e.g. `seats`, `storage_gb`, `api_calls`',
      mode: '`set` reports a level (seats in use, default); `increment` adds to it (for the upsell summary; metered pricing aggregates the values by its own rule)',
      eventId: 'Repeating a report with the same id stores and counts it once (answered 200, `duplicate: true`)',
      occurredAt: 'When the usage happened (default: now): it decides the billing period',
      properties: 'What a `unique_count` metered pricing counts distinct values of, e.g. `{"user": "u_42"}`',
    },
    answers: [
      { status: 202, description: 'Stored and recorded', schema: usageAccepted },
      { status: 200, description: 'The same event id was stored before: counted once', schema: usageAccepted },
    ],
    errors: { 404: NO_SUBSCRIPTION, 409: "The subscription has ended, or the usage's period is closed (its grace window is over), or it is in the future, or the period's metered usage would pass what one invoice bills (usage-limit)" },
  },
  {
    method: 'get',
    path: '/subscriptions/:id/usage',
    operationId: 'getUsage',
    tag: 'extras',
    summary: "The running period's metered usage",
    description:
      'For every metered add-on the subscription holds: the aggregate of the stored usage events of the running period so far, the included units, ' +
      'and what it would cost if the period ended now, band by band, priced as the renewal invoice will price it.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    answers: [ok(runningUsage, 'The running period')],
    errors: { 404: NO_SUBSCRIPTION, 409: 'The subscription has ended' },
  },
  {
    method: 'post',
    path: '/subscriptions/:id/add-ons',
    operationId: 'setAddOn',
    tag: 'extras',
    summary: "Set an add-on's quantity",
    description:
      'A recurring add-on is prorated for the rest of the period; a one-time product is billed on the next invoice. Quantity 0 removes it. ' +
      "A custom line's code (`custom-1`, …) sets that line's quantity the same way, at its negotiated price (the catalogue never reprices it).",
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: addOnBody,
    example: { code: 'extra-seat', quantity: 2 },
    fields: { code: 'Code of an active add-on (GET /add-ons), or of a custom line the subscription holds' },
    answers: [subscriptionAfter],
    errors: { 400: 'The body is not valid, or the add-on is unknown', 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    method: 'post',
    path: '/subscriptions/:id/custom-lines',
    operationId: 'addCustomLine',
    tag: 'extras',
    summary: 'Add a custom line',
    description:
      'A line at a price negotiated with the customer, held as the next `custom-<n>` add-on: billed every period at that price, discounted by the coupon, taxed by its own category. ' +
      'Added in a paid period, the rest of the period is prorated on the next invoice, like an add-on. Change its quantity or remove it with the add-on endpoints and its code.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: customLineBody,
    example: { description: 'Onboarding workshops', unitAmountCents: 2500, quantity: 2, taxCategory: 'standard' },
    fields: {
      unitAmountCents: "Price of one unit per billing period of the plan, in minor units of the plan's currency",
      taxCategory: "VAT category; default standard. The price includes VAT when the plan's does",
      features: 'Feature keys the line grants while held',
    },
    answers: [subscriptionAfter],
    errors: { 400: 'The body is not valid', 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    method: 'get',
    path: '/subscriptions/:id/add-ons/:code/preview',
    operationId: 'previewAddOn',
    tag: 'extras',
    summary: "Preview an add-on's quantity",
    description:
      'What setting the quantity now would add to the next invoice (the prorated charge or credit for the rest of the period, or a one-time product) ' +
      'and the new price per period, computed as the change itself would be; changes nothing. A custom line is previewed by its code (`custom-1`, …), at its negotiated price.',
    params: addOnParams,
    paramExamples: { id: 'sub_ada', code: 'extra-seat' },
    query: previewAddOnQuery,
    queryExample: { quantity: 3 },
    fields: { quantity: 'The new quantity of a recurring add-on (0 removes it), or how many of a one-time product' },
    answers: [ok(addOnChangePreview, 'What the change would do')],
    errors: { 400: 'The query is not valid', 404: `${NO_SUBSCRIPTION}, or no add-on has this code`, 409: 'The change would be refused (the reason is in `detail`)' },
  },
  {
    method: 'delete',
    path: '/subscriptions/:id/add-ons/:code',
    operationId: 'removeAddOn',
    tag: 'extras',
    summary: 'Remove an add-on',
    description: "Also removes a custom line by its code (`custom-1`, …): a paid period's unused part is credited on the next invoice.",
    params: addOnParams,
    paramExamples: { id: 'sub_ada', code: 'extra-seat' },
    answers: [subscriptionAfter],
    errors: { 400: 'The path is not valid', 404: `${NO_SUBSCRIPTION}, or no add-on has this code`, 409: REFUSED },
  },
  {
    method: 'post',
    path: '/subscriptions/:id/coupon',
    operationId: 'applyCoupon',
    tag: 'extras',
    summary: 'Apply a coupon',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: couponBody,
    example: { code: 'WELCOME20' },
    fields: { code: 'Code of an active coupon (GET /coupons)' },
    answers: [subscriptionAfter],
    errors: { 400: 'The body is not valid, or the coupon is unknown', 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  {
    method: 'delete',
    path: '/subscriptions/:id/coupon',
    operationId: 'removeCoupon',
    tag: 'extras',
    summary: 'Remove the discount',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    answers: [subscriptionAfter],
    errors: { 404: NO_SUBSCRIPTION, 409: REFUSED },
  },
  offerAction('accept'),
  offerAction('decline'),
];
