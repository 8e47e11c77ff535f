// A custom package: what a subscription starts with besides its plan. Catalogue add-ons priced as
// a later purchase would price them (add-ons.ts `unitPriceFor`), custom lines at their negotiated
// price (custom-lines.ts), and a coupon that discounts the first invoice already. Priced once, by
// whoever starts the subscription, and carried in its start (SubscriptionStart.items): the
// workflow only puts them into its first state, so a replay never prices anything again.
import type { AddOnDefinition, SubscriptionAddOn } from './add-ons';
import { oneTimeLine, periodCostRefusal, unitPriceFor } from './add-ons';
import { priceAddOnFor } from './add-on-changes';
import type { CustomLineInput } from './custom-lines';
import { priceCustomLine } from './custom-lines';
import type { ActiveDiscount, CouponDefinition } from './discounts';
import { couponRefusal, discountFromCoupon } from './discounts';
import type { InvoiceLineDraft } from './invoice';
import type { PlanSnapshot } from './plans';

/** What a subscription starts with besides its plan, priced. */
export interface PackageItems {
  /** Recurring and metered add-ons, and custom lines (marked `custom`). */
  addOns: SubscriptionAddOn[];
  /** One-time products, billed on the first invoice. */
  pendingItems: InvoiceLineDraft[];
  /** The coupon's discount, from the first invoice on. */
  discount: ActiveDiscount | null;
}

export interface PackageRequest {
  /** In the request's order; null for an entry the caller already refused (unknown, archived), so the others keep their positions. */
  addOns: Array<{ addOn: AddOnDefinition; quantity: number } | null>;
  customLines: CustomLineInput[];
  coupon: CouponDefinition | null;
}

/** A request field that does not fit the plan, named as the request names it (addOns[1].code). */
export interface PackageRefusal {
  field: string;
  message: string;
}

export type PricedPackage = { items: PackageItems } | { refusals: PackageRefusal[] };

/** Why `quantity` of `addOn` cannot start with a subscription on `plan`, and which of its fields says so; or null. */
function addOnRefusal(addOn: AddOnDefinition, quantity: number, plan: PlanSnapshot): { field: 'code' | 'quantity'; message: string } | null {
  const price = unitPriceFor(addOn, plan);
  if (typeof price === 'string') return { field: 'code', message: price };
  if (addOn.kind === 'metered' && quantity !== 1) return { field: 'quantity', message: 'a metered add-on is held with quantity 1: its usage decides what it costs' };
  return null;
}

/** Prices `request` for a subscription starting on `plan`, or says every field that does not fit. */
export function pricePackage(plan: PlanSnapshot, request: PackageRequest): PricedPackage {
  const refusals: PackageRefusal[] = [];
  const addOns: SubscriptionAddOn[] = [];
  const pendingItems: InvoiceLineDraft[] = [];
  request.addOns.forEach((entry, index) => {
    if (!entry) return;
    const { addOn, quantity } = entry;
    const field = `addOns[${index}]`;
    if (request.addOns.findIndex((other) => other?.addOn.code === addOn.code) < index) {
      refusals.push({ field: `${field}.code`, message: `${addOn.code} is listed twice: give its total quantity once` });
      return;
    }
    const refusal = addOnRefusal(addOn, quantity, plan);
    if (refusal) {
      refusals.push({ field: `${field}.${refusal.field}`, message: refusal.message });
      return;
    }
    const priced = priceAddOnFor(plan, addOn);
    if (addOn.kind === 'one_time') pendingItems.push(oneTimeLine(priced, quantity));
    else addOns.push({ ...priced, quantity });
  });
  request.customLines.forEach((line, index) => {
    const priced = priceCustomLine(line, `custom-${index + 1}`, plan);
    if (typeof priced === 'string') refusals.push({ field: `customLines[${index}]`, message: priced });
    else addOns.push(priced);
  });
  const couponRefused = request.coupon ? couponRefusal(request.coupon, plan.currency) : null;
  if (couponRefused) refusals.push({ field: 'coupon', message: couponRefused });
  if (refusals.length > 0) return { refusals };
  const tooDear = periodCostRefusal(plan, addOns, pendingItems);
  if (tooDear) return { refusals: [{ field: request.customLines.length > 0 ? 'customLines' : 'addOns', message: tooDear }] };
  return { items: { addOns, pendingItems, discount: request.coupon ? discountFromCoupon(request.coupon) : null } };
}

/** Whether `request` adds anything to the plan: a start without items stays as it always was. */
export function hasItems(request: PackageRequest): boolean {
  return request.addOns.length > 0 || request.customLines.length > 0 || request.coupon !== null;
}
