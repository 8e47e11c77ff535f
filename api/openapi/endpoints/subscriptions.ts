// Creating and reading subscriptions (api/routes/subscriptions.ts, subscription-reads.ts).
import { grandfatheredBody, listSubscriptionsQuery, pageQuery } from '../../schemas/reads';
import { page } from '../../schemas/responses/common';
import { invoiceSummary, subscriptionSummary, timeline } from '../../schemas/responses/reads';
import { acceptedSubscription, subscriptionView } from '../../schemas/responses/subscription';
import { subscriptionImport } from '../../schemas/responses/imports';
import { createSubscriptionBody, getSubscriptionQuery, importSubscriptionsBody, MAX_IMPORT_BATCH, subscriptionParams } from '../../schemas/subscriptions';
import type { Endpoint } from '../endpoint';
import { NO_SUBSCRIPTION, ok, SUBSCRIPTION_ID } from './answers';

const PAGING = {
  cursor: '`nextCursor` of the previous page',
  limit: '1-100, default 20',
};

export const subscriptionEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/subscriptions',
    operationId: 'createSubscription',
    tag: 'subscriptions',
    summary: 'Create a subscription',
    description:
      'Starts the subscription workflow and waits until the subscription has opened: the answer carries the outcome of the first charge ' +
      '(or the start of the trial). An opening that takes longer than 60 s is answered 503 with `Retry-After`; the workflow goes on. Repeating the request with the same `id` returns the same subscription (200 instead of 201) and never starts a second workflow. ' +
      'A custom package adds catalogue add-ons, custom lines at a negotiated price and a coupon: the first invoice already bills them ' +
      '(a one-time product once, recurring ones every period), discounted by the coupon and taxed per line. Everything is checked before anything is written: ' +
      'a refusal names each field that does not fit (`addOns[1].code`, `customLines[0]`, `coupon`) and creates no customer, subscription or redemption.',
    body: createSubscriptionBody,
    example: {
      id: 'sub_ada',
      customer: { id: 'cus_ada', email: 'ada@example.com', name: 'Ada Lovelace' },
      plan: 'pro-monthly',
      paymentMethod: 'pm_card_visa',
      addOns: [{ code: 'extra-seat', quantity: 2 }],
      customLines: [{ description: 'Dedicated support', unitAmountCents: 4000, quantity: 1, features: ['dedicated-support'] }],
      coupon: 'WELCOME20',
    },
    fields: {
      id: 'Client-chosen id; generated when omitted. The same id returns the same subscription',
      'customer.id': 'Client-chosen customer id; generated for a new email when omitted',
      'customer.email': 'Identifies the customer: a known email reuses the customer',
      plan: 'Code of an active plan (GET /plans)',
      paymentMethod: 'Payment method token, e.g. `pm_card_visa` (the sandbox gateway behaves by token)',
      trialDays: "Overrides the plan's trial",
      timeZone: 'IANA time zone the billing calendar follows; default UTC',
      addOns: 'Catalogue add-ons (GET /add-ons) with a quantity, priced as a later purchase would be: each code once; a metered one with quantity 1',
      customLines:
        'Lines at a negotiated price, held as add-ons `custom-1`, `custom-2`, … in the order given. `unitAmountCents` is per billing period of the plan (monthly or yearly plans only); ' +
        'no catalogue price change or price migration moves it. A change to another interval reprices it by months: its monthly price × the months of the new period',
      'customLines.taxCategory': "VAT category of the line; default standard. Its price includes VAT when the plan's does",
      'customLines.features': 'Feature keys the line grants while held (GET /customers/{id}/entitlements)',
      coupon: 'Code of an active coupon (GET /coupons) for this plan: it discounts the plan, add-ons and custom lines from the first invoice on, and counts one redemption',
    },
    requestHeaders: [
      {
        name: 'Prefer',
        description:
          '`respond-async` (RFC 7240): answer 202 as soon as the sign-up is stored, without waiting for Temporal or the first charge; its workflow starts right after (a Temporal outage delays it, never loses it). ' +
          'Follow `Location` (GET /subscriptions/:id) until `status` leaves `incomplete`, or take the `subscription.created`, `invoice.paid` and `invoice.payment_failed` webhooks',
        example: 'respond-async',
      },
    ],
    answers: [
      { status: 201, description: 'Created; `Location` names the subscription', schema: subscriptionView, headers: ['Location'] },
      { status: 200, description: 'A subscription with this `id` already existed with the same plan, payment method and customer', schema: subscriptionView, headers: ['Location'] },
      {
        status: 202,
        description: 'With `Prefer: respond-async`: accepted and stored; its workflow starts and the first charge follows. `Location` names the subscription to poll (a read or command before the workflow has started starts it)',
        schema: acceptedSubscription,
        headers: ['Location', 'PreferenceApplied'],
      },
    ],
    errors: {
      400: 'The body is not valid, the plan is unknown, or an item does not fit it (unknown, archived or not sold in its currency; a coupon not for this plan or expired): `errors` names each field',
      409: 'The `id` exists with another plan, payment method or customer, the email belongs to another customer id, or the coupon has been redeemed its maximum times',
    },
  },
  {
    method: 'post',
    path: '/subscriptions/imports',
    operationId: 'importSubscriptions',
    tag: 'subscriptions',
    summary: 'Import subscriptions paid for elsewhere',
    description:
      `Moves up to ${MAX_IMPORT_BATCH} subscriptions from another billing system (a spreadsheet, another provider) per request. ` +
      'Each opens `active`, is not charged for the period it has already paid for (which ends at `currentPeriodEnd`), and renews then, on the calendar that date anchors. ' +
      'The batch is checked whole first: one invalid or conflicting item refuses the request and nothing is written. ' +
      'Repeating a request (after a timeout or a 503) imports what is missing and nothing twice.',
    body: importSubscriptionsBody,
    example: {
      subscriptions: [
        { id: 'sub_grace', customer: { email: 'grace@example.com', name: 'Grace Hopper' }, plan: 'pro-monthly', paymentMethod: 'pm_card_visa', currentPeriodEnd: '2031-01-15T00:00:00Z' },
      ],
    },
    fields: {
      'subscriptions.id': 'Required: the id in your old system works. The same id never imports twice',
      'subscriptions.customer.email': 'Identifies the customer: a known email reuses the customer',
      'subscriptions.currentPeriodEnd': 'Paid until (ISO-8601): in the future, at most one billing interval away. The first charge here is due then',
      'subscriptions.timeZone': 'IANA time zone the billing calendar follows; default UTC',
    },
    answers: [
      { status: 201, description: 'Imported (`created` counts the new ones)', schema: subscriptionImport },
      { status: 200, description: 'Every subscription had been imported before with the same plan, payment method and customer', schema: subscriptionImport },
    ],
    errors: {
      400: 'An item is not valid (the field names its index: `subscriptions.3.currentPeriodEnd`), or names an unknown plan; nothing was imported',
      409: 'An id exists with another plan, payment method or customer, or an email belongs to another customer id; nothing was imported',
    },
  },
  {
    method: 'get',
    path: '/subscriptions',
    operationId: 'listSubscriptions',
    tag: 'subscriptions',
    summary: 'List subscriptions',
    description: 'In creation order, from the database projection. An empty filter (`?status=`) means no filter.',
    query: listSubscriptionsQuery,
    queryExample: { status: 'active', plan: 'pro-monthly', limit: 50 },
    fields: { status: 'Only this status', plan: 'Only this plan code', customer: 'Only this customer id', ...PAGING },
    answers: [ok(page(subscriptionSummary), 'One page of subscriptions')],
  },
  {
    method: 'get',
    path: '/subscriptions/:id',
    operationId: 'getSubscription',
    tag: 'subscriptions',
    summary: "A subscription's live state",
    description:
      'By default (`consistency=eventual`) from the state the workflow stored with the step it last completed: every command answers only after that write, ' +
      "so a client reads its own commands; a step still running (a renewal's charge in flight) shows once it completes. " +
      "`consistency=strong` asks the subscription's workflow (slower under load), as does a read whose stored state is missing or in an older shape. " +
      'The answer is the same either way; `X-Consistency` says which answered.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    query: getSubscriptionQuery,
    queryExample: { consistency: 'strong' },
    fields: { consistency: '`eventual` (default) or `strong`' },
    answers: [{ ...ok(subscriptionView, 'The subscription'), headers: ['Consistency'] }],
    errors: { 404: NO_SUBSCRIPTION },
  },
  {
    method: 'get',
    path: '/subscriptions/:id/invoices',
    operationId: 'listSubscriptionInvoices',
    tag: 'subscriptions',
    summary: "A subscription's invoices",
    description: 'Newest first.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    query: pageQuery,
    fields: PAGING,
    answers: [ok(page(invoiceSummary), 'One page of invoices')],
    errors: { 404: NO_SUBSCRIPTION },
  },
  {
    method: 'get',
    path: '/subscriptions/:id/timeline',
    operationId: 'getSubscriptionTimeline',
    tag: 'subscriptions',
    summary: "A subscription's history",
    description: 'Status changes, invoices, payment attempts, refunds, offers and emails in time order.',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    answers: [ok(timeline, 'The events')],
    errors: { 404: NO_SUBSCRIPTION },
  },
  {
    method: 'put',
    path: '/subscriptions/:id/grandfathered',
    operationId: 'setGrandfathered',
    tag: 'subscriptions',
    summary: 'Keep a subscription on its plan',
    description: 'A grandfathered subscription stays on its plan when a plan migration excludes grandfathered subscriptions (the default).',
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: grandfatheredBody,
    example: { grandfathered: true },
    answers: [ok(subscriptionSummary, 'The subscription with the flag set')],
    errors: { 404: NO_SUBSCRIPTION },
  },
];
