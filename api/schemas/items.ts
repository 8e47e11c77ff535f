// The items of a custom package: catalogue add-ons with a quantity, and custom lines at a price
// negotiated with the customer. A subscription is created with them directly or from a quote.
import { z } from 'zod';
import { catalogueCode } from './codes';
import { MAX_PRICE_CENTS } from './price-versions';

export const MAX_PACKAGE_ITEMS = 50;

const taxCategory = z.enum(['standard', 'reduced_middle', 'reduced_low', 'exempt']);

export const addOnItem = z.strictObject({
  code: catalogueCode('extra-seat'),
  quantity: z.number().int().min(1).max(1000),
});

/** A line no catalogue price governs: its price is the one agreed, and no catalogue change moves it. */
export const customLine = z.strictObject({
  description: z.string().trim().min(1).max(200).describe('What the line is, as the invoice shows it'),
  /** Price of one unit for one of the plan's billing periods, in minor units of the plan's currency. */
  unitAmountCents: z.number().int().min(0).max(MAX_PRICE_CENTS),
  quantity: z.number().int().min(1).max(10_000),
  /** The catalogue product it sells, when it sells one (reports count it there). */
  product: catalogueCode('consulting').optional(),
  /** Feature keys the line grants while held (entitlements). */
  features: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a feature key such as sso')).max(50).optional(),
  /** Its VAT category; absent: standard, prices include VAT as the plan's do. */
  taxCategory: taxCategory.optional(),
});

/** What a custom package adds to its plan. */
export const packageItems = {
  addOns: z.array(addOnItem).max(MAX_PACKAGE_ITEMS).optional(),
  customLines: z.array(customLine).max(MAX_PACKAGE_ITEMS).optional(),
  coupon: catalogueCode('WELCOME20').optional(),
};

export type AddOnItem = z.infer<typeof addOnItem>;
export type CustomLine = z.infer<typeof customLine>;
