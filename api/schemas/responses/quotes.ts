// The answers of the quote endpoints (api/routes/quotes.ts), for the OpenAPI document and its tests.
import { z } from 'zod';
import type { QuotePricing } from '../../../domain/quote';
import { addOnItem, customLine } from '../items';
import { QUOTE_STATUSES } from '../quotes';
import { subscriptionView } from './subscription';
import { currency, minorUnits, page, timestamp, type Conforms } from './common';

const interval = z.strictObject({ unit: z.enum(['second', 'day', 'week', 'month', 'year']), count: z.number().int().min(1) });

const quoteInvoice = z.strictObject({
  issuedAt: timestamp.describe('When it is issued and charged: at acceptance, or when the trial ends'),
  period: z.strictObject({ start: timestamp, end: timestamp }),
  lines: z.array(
    z.strictObject({
      kind: z.enum(['subscription', 'proration_credit', 'proration_charge', 'customer_balance', 'addon', 'discount']),
      description: z.string(),
      quantity: z.number().int(),
      amountCents: minorUnits.describe('VAT included'),
      taxCents: minorUnits,
      rateBasisPoints: z.number().int(),
    }),
  ),
  netCents: minorUnits,
  taxCents: minorUnits,
  totalCents: minorUnits.describe('What is charged, VAT included'),
  vatSummary: z.array(z.strictObject({ vatCategory: z.enum(['S', 'Z', 'E', 'AE', 'G', 'O']), rateBasisPoints: z.number().int(), netCents: minorUnits, taxCents: minorUnits })),
});

export const quotePricing = z
  .strictObject({
    currency,
    trialEnd: timestamp.nullable().describe("The plan's trial end: nothing is charged before it"),
    firstInvoice: quoteInvoice.describe('The invoice the acceptance issues, computed as the subscription computes it'),
    recurring: z
      .strictObject({ interval, netCents: minorUnits, taxCents: minorUnits, totalCents: minorUnits })
      .describe('A renewal at full price: plan and recurring items, no discount, no one-time products'),
    discount: z.strictObject({ code: z.string(), name: z.string(), periods: z.number().int().nullable().describe('Period invoices it applies to; null: all') }).nullable(),
  })
  .describe('Priced from the catalogue as it is now; null once accepted (the subscription is the truth) or when an item can no longer be sold');

export type QuotePricingAnswer = Conforms<QuotePricing, z.output<typeof quotePricing>>;

export const quoteView = z.strictObject({
  id: z.string(),
  status: z.enum(QUOTE_STATUSES).describe('expired: sent and past expiresAt'),
  customer: z.strictObject({ id: z.string().nullable().describe('Null until the acceptance creates the customer'), email: z.string(), name: z.string().nullable() }),
  plan: z.string(),
  currency,
  addOns: z.array(addOnItem),
  customLines: z.array(customLine),
  coupon: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  language: z.enum(['en', 'nb']),
  expiresAt: timestamp,
  sentAt: timestamp.nullable(),
  acceptedAt: timestamp.nullable(),
  canceledAt: timestamp.nullable(),
  subscriptionId: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  pricing: quotePricing.nullable().optional().describe('Left out of lists'),
});

export const quotePage = page(quoteView);

export const sentQuote = z.strictObject({ quote: quoteView, url: z.url().describe("The quote's page, for the customer: whoever has it may accept the quote") });

export const acceptedQuote = z.strictObject({ quote: quoteView, subscription: subscriptionView });
