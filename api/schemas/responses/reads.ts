// Answers read from the database projection: subscription summaries, customers, invoices, the
// timeline (api/services/views.ts, invoices.ts, timeline.ts).
import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from '../../../domain/status';
import type { setBillingProfile } from '../../services/billing-profiles';
import type { getInvoice } from '../../services/invoices';
import type { getCustomer, subscriptionTimeline } from '../../services/subscription-reads';
import type { TimelineEvent } from '../../services/timeline';
import type { customerView, invoiceSummary as invoiceSummaryView, subscriptionSummary as subscriptionSummaryView } from '../../services/views';
import { currency, minorUnits, timestamp, type Conforms } from './common';
import { billingProfileView } from '../billing-profile';

export const subscriptionSummary = z
  .strictObject({
    id: z.string(),
    customerId: z.string(),
    planCode: z.string(),
    planPriceVersion: z
      .number()
      .int()
      .nullable()
      .describe("The plan's price version it is billed at (`GET /plans/:code/prices`); null when it bought the plan before price versions were recorded"),
    status: z.enum(SUBSCRIPTION_STATUSES),
    paymentMethod: z.string(),
    periodIndex: z.number().int(),
    currentPeriodStart: timestamp.nullable(),
    currentPeriodEnd: timestamp.nullable(),
    trialEnd: timestamp.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    grandfathered: z.boolean().describe('Kept on its plan when a plan migration excludes grandfathered subscriptions'),
    canceledAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('A subscription as the database projection has it');

const customerFields = { id: z.string(), email: z.string(), name: z.string().nullable(), billingProfile: billingProfileView.nullable(), createdAt: timestamp };

export const customer = z.strictObject({ ...customerFields, subscriptions: z.array(subscriptionSummary) });

export const invoiceSummary = z.strictObject({
  id: z.string(),
  number: z.string().describe("The legal number, from the seller's one gapless series (e.g. `1042`)"),
  reference: z.string().describe("The subscription's own key for the invoice, e.g. `INV-sub_ada-0002`"),
  subscriptionId: z.string(),
  customerId: z.string(),
  periodIndex: z.number().int().nullable().describe('Set on the invoice that bills a whole period'),
  billingReason: z.string().describe('`subscription_create`, `subscription_cycle`, `subscription_update`, or `subscription_final` (what was still to bill when the subscription ended)'),
  periodStart: timestamp,
  periodEnd: timestamp,
  currency,
  subtotalCents: minorUnits.describe('The total including VAT, before account credit'),
  netCents: minorUnits.describe('The total excluding VAT'),
  taxCents: minorUnits.describe('VAT'),
  creditAppliedCents: minorUnits.describe('Account credit that paid part of it'),
  amountCents: minorUnits.describe('Due: the total less account credit'),
  taxTreatment: z.enum(['domestic', 'oss', 'reverse_charge', 'export', 'exempt', 'not_registered']).nullable(),
  dueDate: z.iso.date().nullable(),
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']),
  paidAt: timestamp.nullable(),
  createdAt: timestamp,
});

export const creditNoteSummary = z.strictObject({
  id: z.string(),
  number: z.string().describe("The legal number, from the seller's credit-note series (e.g. `CN-12`)"),
  invoiceId: z.string(),
  invoiceNumber: z.string().describe('The invoice it corrects'),
  kind: z.enum(['refund', 'void']).describe('`refund`: money went back; `void`: the unpaid invoice was cancelled'),
  amountCents: minorUnits.describe('Including VAT'),
  netCents: minorUnits,
  taxCents: minorUnits,
  currency,
  reason: z.string(),
  createdAt: timestamp,
});

export const billingProfileUpdated = z.strictObject({
  customerId: z.string(),
  billingProfile: billingProfileView,
  subscriptionsUpdated: z.number().int().describe('Running subscriptions told about the change'),
});

export const invoice = z.strictObject({
  ...invoiceSummary.shape,
  lines: z.array(
    z.strictObject({
      position: z.number().int(),
      kind: z.string(),
      description: z.string(),
      quantity: z.number().int(),
      amountCents: minorUnits.describe('Including VAT'),
      periodStart: timestamp.nullable(),
      periodEnd: timestamp.nullable(),
      netCents: minorUnits,
      taxCents: minorUnits,
      taxRateBasisPoints: z.number().int().describe('2500 is 25 %'),
      vatCategory: z.string().nullable().describe('UNCL5305: S standard, Z zero rated, E exempt, AE reverse charge, G export, O outside scope; null on the account-credit line'),
    }),
  ),
  vatSummary: z.array(z.strictObject({ vatCategory: z.string(), rateBasisPoints: z.number().int(), netCents: minorUnits, taxCents: minorUnits })).describe('VAT basis and amount per rate'),
  paymentAttempts: z.array(
    z.strictObject({
      attempt: z.number().int(),
      amountCents: minorUnits,
      currency,
      paymentMethod: z.string(),
      outcome: z.enum(['pending', 'succeeded', 'declined']),
      declineCode: z.string().nullable(),
      declineType: z.string().nullable(),
      createdAt: timestamp,
      completedAt: timestamp.nullable(),
    }),
  ),
  creditNotes: z.array(creditNoteSummary),
  refundedCents: minorUnits.describe("What went back of the invoice's charge: credit notes of kind `refund`, and account credit paid out against it when its subscription ended (no credit note)"),
});

const event = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject({ at: timestamp, ...shape });

export const timelineEvent = z.discriminatedUnion('type', [
  event({ type: z.literal('status_changed'), from: z.string().nullable(), to: z.string() }),
  event({ type: z.literal('invoice_issued'), invoice: z.string(), billingReason: z.string(), amountCents: minorUnits, currency, status: z.string() }),
  event({
    type: z.literal('payment_attempted'),
    invoice: z.string(),
    attempt: z.number().int(),
    outcome: z.string(),
    amountCents: minorUnits,
    currency,
    declineCode: z.string().nullable(),
  }),
  event({ type: z.literal('refund_issued'), invoice: z.string(), amountCents: minorUnits, currency }),
  event({
    type: z.literal('offer_made'),
    offerId: z.string(),
    rule: z.string(),
    toPlan: z.string(),
    percentOff: z.number(),
    discountPeriods: z.number().int(),
    expiresAt: timestamp,
  }),
  event({ type: z.literal('offer_closed'), offerId: z.string(), status: z.string() }),
  event({
    type: z.literal('credit'),
    amountCents: minorUnits.describe('Account credit granted (positive) or used (negative)'),
    currency,
    cause: z.enum(['invoice_surplus', 'applied_to_invoice', 'pause', 'invoice_voided', 'refunded']).describe(
      '`invoice_surplus`: an invoice whose credits exceeded its charges; `applied_to_invoice`: credit that paid part of an invoice; `pause`: the unused paid time of a pause; `invoice_voided`: credit given back by a voided invoice; `refunded`: credit left when the subscription ended, paid back to the card (a refund of its charges, not a credit note: no VAT changes)',
    ),
    invoice: z.string().nullable(),
    balanceAfterCents: minorUnits,
  }),
  event({
    type: z.literal('email'),
    template: z.string(),
    to: z.string(),
    sent: z.boolean(),
    status: z.enum(['pending', 'sent', 'failed']).describe('`failed`: rejected by the mail server, or undeliverable for 3 days'),
  }),
]);

export const timeline = z.strictObject({ subscriptionId: z.string(), events: z.array(timelineEvent).describe('In time order') });

type _Summary = Conforms<ReturnType<typeof subscriptionSummaryView>, z.output<typeof subscriptionSummary>>;
type _BillingProfileSet = Conforms<Awaited<ReturnType<typeof setBillingProfile>>, z.output<typeof billingProfileUpdated>>;
type _Customer = Conforms<Awaited<ReturnType<typeof getCustomer>>, z.output<typeof customer>>;
type _CustomerFields = Conforms<ReturnType<typeof customerView>, z.output<z.ZodObject<typeof customerFields>>>;
type _InvoiceSummary = Conforms<ReturnType<typeof invoiceSummaryView>, z.output<typeof invoiceSummary>>;
type _Invoice = Conforms<Awaited<ReturnType<typeof getInvoice>>, z.output<typeof invoice>>;
type _Event = Conforms<TimelineEvent, z.output<typeof timelineEvent>>;
type _Timeline = Conforms<Awaited<ReturnType<typeof subscriptionTimeline>>, z.output<typeof timeline>>;
