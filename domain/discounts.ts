// Discounts: coupons a customer redeems, and the price cut an accepted upsell offer carries.
// A discount applies to the recurring charges (plan and add-ons) of period invoices, for a number
// of periods or forever, as its own negative line. Percentages round half away from zero; a fixed
// amount never takes an invoice below zero.
import type { InvoiceLineDraft } from './invoice';
import { DEFAULT_TAX_CODE } from './invoice';
import { scale } from './proration';
import { allocateProportionally } from './tax/allocation';
import type { TaxCode } from './tax/types';

export interface CouponDefinition {
  code: string;
  name: string;
  percentOff: number | null;
  amountOffCents: number | null;
  /** Currency of a fixed amount off; null for percentages. */
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  /** With 'repeating': for how many period invoices. */
  durationPeriods: number | null;
}

export interface ActiveDiscount {
  source: 'coupon' | 'offer';
  code: string;
  name: string;
  percentOff: number | null;
  amountOffCents: number | null;
  /** Period invoices it still applies to; null is forever. */
  remainingPeriods: number | null;
}

export const COUPON_CATALOGUE: readonly CouponDefinition[] = [
  { code: 'WELCOME20', name: '20% off for 3 months', percentOff: 20, amountOffCents: null, currency: null, duration: 'repeating', durationPeriods: 3 },
  { code: 'FIRSTFREE', name: 'First period free', percentOff: 100, amountOffCents: null, currency: null, duration: 'once', durationPeriods: null },
  { code: 'LOYAL5', name: '5 EUR off, forever', percentOff: null, amountOffCents: 500, currency: 'EUR', duration: 'forever', durationPeriods: null },
];

export function discountFromCoupon(coupon: CouponDefinition): ActiveDiscount {
  return {
    source: 'coupon',
    code: coupon.code,
    name: coupon.name,
    percentOff: coupon.percentOff,
    amountOffCents: coupon.amountOffCents,
    remainingPeriods: coupon.duration === 'forever' ? null : coupon.duration === 'once' ? 1 : (coupon.durationPeriods ?? 1),
  };
}

/** Why `coupon` cannot be used for a subscription billed in `currency`, or null. */
export function couponRefusal(coupon: CouponDefinition, currency: string): string | null {
  if (coupon.amountOffCents !== null && coupon.currency !== currency) {
    return `coupon ${coupon.code} is for ${coupon.currency} subscriptions`;
  }
  return null;
}

/** The discount line for charges totalling `chargeableCents`, or null when nothing comes off. */
export function discountLine(discount: ActiveDiscount, chargeableCents: number): InvoiceLineDraft | null {
  if (discount.remainingPeriods === 0 || chargeableCents <= 0) return null;
  const off =
    discount.percentOff !== null
      ? scale(chargeableCents, BigInt(discount.percentOff), 100n)
      : Math.min(discount.amountOffCents ?? 0, chargeableCents);
  if (off <= 0) return null;
  return { kind: 'discount', description: `Discount: ${discount.name}`, quantity: 1, amountCents: -off };
}

/**
 * The discount on `charges` as lines that carry the VAT code of what they discount: one per code,
 * the amount split in proportion to the charges (domain/tax/allocation.ts: the parts sum exactly).
 */
export function discountLines(discount: ActiveDiscount, charges: readonly InvoiceLineDraft[]): InvoiceLineDraft[] {
  const total = charges.reduce((sum, line) => sum + line.amountCents, 0);
  const line = discountLine(discount, total);
  if (!line) return [];
  const groups: Array<{ tax: TaxCode; cents: number }> = [];
  for (const charge of charges) {
    const tax = charge.tax ?? DEFAULT_TAX_CODE;
    const group = groups.find((g) => g.tax.category === tax.category && g.tax.inclusive === tax.inclusive);
    if (group) group.cents += charge.amountCents;
    else groups.push({ tax, cents: charge.amountCents });
  }
  const shares = allocateProportionally(line.amountCents, groups.map((g) => g.cents));
  return groups.flatMap((g, i) => (shares[i] ? [{ ...line, amountCents: shares[i], itemName: discount.name, tax: g.tax }] : []));
}

/** The discount after one more period invoice used it; null when it has run out. */
export function afterPeriodInvoice(discount: ActiveDiscount): ActiveDiscount | null {
  if (discount.remainingPeriods === null) return discount;
  const remainingPeriods = discount.remainingPeriods - 1;
  return remainingPeriods > 0 ? { ...discount, remainingPeriods } : null;
}
