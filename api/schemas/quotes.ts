// Quotes: a plan and package items (api/schemas/items.ts) offered to a customer, sent with a link,
// and accepted into a subscription. What the routes read; the answers are in responses/quotes.ts.
import { z } from 'zod';
import { catalogueCode } from './codes';
import { packageItems } from './items';
import { optional, pagination } from './reads';
import { paymentMethodToken } from './subscriptions';

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'expired', 'canceled'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export const QUOTE_LANGUAGES = ['en', 'nb'] as const;

export const quoteId = z.string().regex(/^quo_[a-f0-9]{20}$/, 'must be a quote id such as quo_4f1c2a9e0b7d3c5a8e6f');

const customerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/** An existing customer by id, or the email (and name) of one the acceptance creates. */
const quoteCustomer = z
  .strictObject({
    id: customerId.optional(),
    email: z.email().max(254).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .refine((customer) => (customer.id === undefined) !== (customer.email === undefined), {
    message: 'give the id of an existing customer, or the email (and name) of a new one',
    path: ['email'],
  })
  .meta({ oneOf: [{ title: 'An existing customer', required: ['id'] }, { title: 'A new customer', required: ['email'] }] });

const quoteFields = {
  customer: quoteCustomer,
  plan: catalogueCode('pro-monthly'),
  ...packageItems,
  /** The payment method sales agreed; absent, the customer gives one when accepting. */
  paymentMethod: paymentMethodToken.optional(),
  /** Until when the customer may accept it; in the future. */
  expiresAt: z.iso.datetime({ offset: true }),
  /** The email's and the page's language when the customer's billing profile names none; default en. */
  language: z.enum(QUOTE_LANGUAGES).optional(),
};

export const createQuoteBody = z.strictObject(quoteFields);
export type CreateQuoteBody = z.infer<typeof createQuoteBody>;

/** A draft's fields to replace; items given replace the draft's (an empty list removes them), null clears coupon and payment method. */
export const updateQuoteBody = z.strictObject({
  customer: quoteCustomer.optional(),
  plan: quoteFields.plan.optional(),
  addOns: packageItems.addOns,
  customLines: packageItems.customLines,
  coupon: packageItems.coupon.nullable(),
  paymentMethod: paymentMethodToken.nullable().optional(),
  expiresAt: quoteFields.expiresAt.optional(),
  language: quoteFields.language,
});
export type UpdateQuoteBody = z.infer<typeof updateQuoteBody>;

export const acceptQuoteBody = z.strictObject({
  /** Required when the quote has none. */
  paymentMethod: paymentMethodToken.optional(),
});

export const quoteParams = z.object({ id: quoteId });

export const listQuotesQuery = z.strictObject({
  status: optional(z.enum(QUOTE_STATUSES)),
  /** A customer's id or email. */
  customer: optional(z.string().min(1).max(254)),
  ...pagination,
});
export type ListQuotesQuery = z.infer<typeof listQuotesQuery>;
