// A subscription's live state as its workflow reports it (GET /subscriptions/:id and every command's
// answer), and the answers of plan changes. The view has more fields than are documented here (the
// billing engine's bookkeeping); the documented ones are the stable part.
import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from '../../../domain/status';
import type { AddOnChangePreview, PlanChangePreview, PlanChangeResult, SubscriptionView } from '../../../workflows/contract';
import { meteredPricing } from '../../../infra/metered-pricing';
import { plan, taxCode } from './catalogue';
import { billingProfileView } from '../billing-profile';
import { currency, minorUnits, timestamp, type Conforms, type DocumentedFields } from './common';
import type { RunningUsage, UsageRecorded } from '../../services/usage';

const period = z.strictObject({ start: timestamp.describe('Inclusive'), end: timestamp.describe('Exclusive') });

export const latestInvoice = z.strictObject({
  number: z.string().describe("The subscription's own key for the invoice (`INV-sub_ada-0002`): the invoice's `reference`; its legal number is on GET /invoices/{id}"),
  amountCents: minorUnits,
  currency,
  status: z.enum(['open', 'paid', 'void', 'uncollectible']),
  periodIndex: z.number().int().nullable(),
  billingReason: z.string(),
  attempts: z.number().int(),
  paidAt: timestamp.nullable(),
  service: z
    .strictObject({ periodIndex: z.number().int(), grossCents: minorUnits, netCents: minorUnits })
    .nullable()
    .optional()
    .describe("The billing period whose plan and add-ons the invoice buys: their list price (gross) and what was charged for them after discounts (net)"),
  creditAppliedCents: minorUnits.optional().describe('Account credit the invoice used (given back if it is voided)'),
  carriedCreditCents: minorUnits
    .optional()
    .describe('Credit for time already paid that the invoice carried from earlier changes (add-ons removed mid-period); given back as account credit if it is voided'),
});

const fields = {
  id: z.string(),
  workflowId: z.string().describe('The Temporal workflow that runs the subscription'),
  customer: z.strictObject({ id: z.string(), email: z.string(), name: z.string().nullable().optional(), billing: billingProfileView.nullable().optional() }),
  plan,
  paymentMethod: z.string(),
  timeZone: z.string().describe('IANA time zone the billing calendar follows'),
  status: z.enum(SUBSCRIPTION_STATUSES),
  createdAt: timestamp,
  periodIndex: z.number().int().describe('Periods since creation (a trial is period 0)'),
  currentPeriod: period,
  nextBillingAt: timestamp.nullable(),
  trialEnd: timestamp.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  canceledAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  cancelReason: z.enum(['requested', 'non_payment', 'payment_not_completed']).nullable(),
  scheduledChange: z.strictObject({ plan, requestedAt: timestamp }).nullable().describe('A plan change that applies when the current period ends'),
  pause: z.strictObject({ startedAt: timestamp, resumesAt: timestamp.nullable() }).nullable(),
  creditBalanceCents: minorUnits.describe('Credit owed to the customer, applied to the next invoices'),
  addOns: z.array(
    z.strictObject({
      code: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitAmountCents: minorUnits,
      monthlyAmountCents: minorUnits,
      metric: z.string().nullable(),
      unitsPerQuantity: z.number().int(),
      features: z.array(z.string()).optional().describe('Feature keys it grants while attached'),
      tax: taxCode.optional(),
      pricing: meteredPricing.optional().describe('A metered add-on: its usage is billed in arrears (GET /subscriptions/{id}/usage)'),
      shipsEachPeriod: z.boolean().optional().describe('Shipped every period: each period gets a delivery the customer may skip'),
      custom: z
        .strictObject({ product: z.string().optional().describe('The catalogue product it sells, if any') })
        .optional()
        .describe('A custom line (code custom-1, custom-2, …) at a price negotiated with the customer: no catalogue price change moves it'),
    }),
  ),
  discount: z
    .strictObject({
      source: z.enum(['coupon', 'offer']),
      code: z.string(),
      name: z.string(),
      percentOff: z.number().nullable(),
      amountOffCents: minorUnits.nullable(),
      remainingPeriods: z.number().int().nullable().describe('Period invoices it still applies to; null is forever'),
    })
    .nullable(),
  offer: z
    .strictObject({
      id: z.string(),
      ruleId: z.string(),
      fromPlan: z.string(),
      plan,
      percentOff: z.number(),
      discountPeriods: z.number().int(),
      createdAt: timestamp,
      expiresAt: timestamp,
      cooldownDays: z.number().int(),
      mrrDeltaCents: minorUnits.describe('Extra monthly recurring revenue at list price if accepted'),
    })
    .nullable()
    .describe('The open upsell offer'),
  latestInvoice: latestInvoice.nullable(),
  version: z.number().int().describe('Bumped on every change'),
};

export const subscriptionView = z.looseObject(fields).describe("A subscription's live state, from its workflow");

export const acceptedSubscription = z
  .strictObject({
    id: z.string(),
    customerId: z.string(),
    plan: z.string(),
    status: z.literal('incomplete').describe('Until the workflow has opened the subscription (first charge or trial)'),
    href: z.string().describe('Where to follow it: GET this path until `status` is no longer `incomplete`'),
  })
  .describe('A sign-up accepted before its first charge (Prefer: respond-async)');

const invoiceLine = z.strictObject({
  kind: z.string(),
  description: z.string(),
  quantity: z.number().int(),
  amountCents: minorUnits.describe('Including VAT'),
  periodStart: timestamp.nullable().optional(),
  periodEnd: timestamp.nullable().optional(),
  itemName: z.string().nullable().optional(),
  tax: taxCode.optional(),
  taxed: z
    .strictObject({
      taxCategory: taxCode.shape.category,
      vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'G', 'O']),
      rateBasisPoints: z.number().int(),
      netCents: minorUnits,
      taxCents: minorUnits,
    })
    .optional()
    .describe('The VAT of the line (absent on the account-credit line)'),
});

const invoiceDraft = z.strictObject({
  number: z.string(),
  subscriptionId: z.string(),
  customerId: z.string(),
  periodIndex: z.number().int().nullable(),
  billingReason: z.enum(['subscription_create', 'subscription_cycle', 'subscription_update', 'subscription_final']),
  period,
  currency,
  lines: z.array(invoiceLine),
  subtotalCents: minorUnits.describe('Including VAT, before account credit'),
  netCents: minorUnits,
  taxCents: minorUnits,
  amountCents: minorUnits.describe('Due'),
  issuedAt: timestamp,
  treatment: z.enum(['domestic', 'oss', 'reverse_charge', 'export', 'exempt', 'not_registered']),
  vatSummary: z.array(z.strictObject({ vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'G', 'O']), rateBasisPoints: z.number().int(), netCents: minorUnits, taxCents: minorUnits })),
  buyer: billingProfileView.nullable().describe('The billing profile it is taxed for'),
});

export const planChangeResult = z.strictObject({
  timing: z.enum(['now', 'period_end']),
  effectiveAt: timestamp,
  invoice: latestInvoice.nullable().describe('The proration invoice a change now issued and collected'),
  subscription: subscriptionView,
});

export const planChangePreview = z.strictObject({
  allowed: z.literal(true),
  timing: z.enum(['now', 'period_end']),
  effectiveAt: timestamp,
  invoice: invoiceDraft.nullable().describe('The invoice the change would issue; null when none'),
  creditBalanceCentsAfter: minorUnits,
});

export const addOnChangePreview = z.strictObject({
  allowed: z.literal(true),
  code: z.string(),
  quantityBefore: z.number().int().describe('The quantity now (0 for a one-time product)'),
  quantityAfter: z.number().int(),
  lines: z.array(invoiceLine).describe('What the change adds to the next invoice, taxed as it bills them: a prorated charge, a credit, a one-time product. Nothing is charged now'),
  totalCents: minorUnits.describe('The lines together, VAT included; negative is a credit'),
  billedAt: timestamp.describe('When the invoice that carries the lines is issued'),
  recurringCentsBefore: minorUnits.describe('The plan and recurring add-ons per billing period at their prices, before discounts'),
  recurringCentsAfter: minorUnits,
});

export const usageAccepted = z.strictObject({
  accepted: z.literal(true),
  duplicate: z.boolean().describe('The event id was stored before: the event is counted once (answered 200 instead of 202)'),
  subscriptionId: z.string(),
  metric: z.string(),
  quantity: z.number(),
  mode: z.enum(['set', 'increment']),
  eventId: z.string().describe('The id sent, or the one given to an event sent without'),
  occurredAt: timestamp.describe('When the usage happened: it decides the billing period'),
});

const meteredBand = z.strictObject({
  from: z.number().int().describe('First unit of the band, counted from 1'),
  to: z.number().int().describe('Last unit of the band'),
  unitAmount: z.string().nullable().describe('Price of one unit in minor units (a decimal string); null for the included units'),
  flatCents: minorUnits.describe("The tier's flat fee, when it has one"),
  amountCents: minorUnits,
  description: z.string().describe('As on the invoice: `1–1,000 included`, `1,001–10,000 × 0.002 EUR`'),
});

export const runningUsage = z.strictObject({
  subscriptionId: z.string(),
  period: period.describe('The running period'),
  currency,
  closesAt: timestamp.describe("Until when late usage of this period is still taken: its end plus the grace window; the renewal bills it then"),
  items: z.array(
    z.strictObject({
      code: z.string().describe('The metered add-on'),
      name: z.string(),
      metric: z.string(),
      model: z.enum(['per_unit', 'graduated', 'volume']),
      aggregation: z.enum(['sum', 'max', 'last', 'unique_count']),
      value: z.number().describe("The period's aggregate so far"),
      quantity: z.number().int().describe('The whole units it bills (a started unit counts)'),
      includedUnits: z.number().int(),
      amountCents: minorUnits.describe('What it would cost if the period ended now'),
      bands: z.array(meteredBand),
    }),
  ),
  amountCents: minorUnits.describe('All metered items together'),
});

type _View = Conforms<SubscriptionView, DocumentedFields<typeof fields>>;
type _Usage = Conforms<RunningUsage, z.output<typeof runningUsage>>;
type _UsageRecorded = Conforms<UsageRecorded, z.output<typeof usageAccepted>>;
type _Result = Conforms<Omit<PlanChangeResult, 'subscription'>, Omit<z.output<typeof planChangeResult>, 'subscription'>>;
type _Preview = Conforms<Extract<PlanChangePreview, { allowed: true }>, z.output<typeof planChangePreview>>;
type _AddOnPreview = Conforms<Extract<AddOnChangePreview, { allowed: true }>, z.output<typeof addOnChangePreview>>;
