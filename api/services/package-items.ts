// Pricing the items a subscription is created with (domain/packages.ts) from the catalogue as it
// is now: only add-ons still sold, only a coupon the customer may still redeem on this plan. Every
// field that does not fit is named in one answer (400), before anything is written.
import type { AddOnDefinition } from '../../domain/add-ons';
import type { PackageItems, PackageRefusal } from '../../domain/packages';
import { hasItems, pricePackage } from '../../domain/packages';
import type { PlanSnapshot } from '../../domain/plans';
import { toAddOnDefinition, toCouponDefinition } from '../../infra/catalogue';
import type { ApiDeps } from '../deps';
import { invalid } from '../problem';
import type { CreateSubscriptionBody } from '../schemas/subscriptions';
import { redemptionRefusal } from './coupon-redemptions';

export type PackageFields = Pick<CreateSubscriptionBody, 'addOns' | 'customLines' | 'coupon'>;

/** The priced items of `fields` for a subscription starting on `plan` at `at`; undefined when it asks for none. */
export async function priceItems({ prisma }: ApiDeps, fields: PackageFields, plan: PlanSnapshot, at: Date): Promise<PackageItems | undefined> {
  const wanted = fields.addOns ?? [];
  const rows = wanted.length > 0 ? await prisma.addOn.findMany({ where: { code: { in: wanted.map((item) => item.code) } } }) : [];
  const refusals: PackageRefusal[] = [];
  const addOns: Array<{ addOn: AddOnDefinition; quantity: number }> = [];
  wanted.forEach((item, index) => {
    const row = rows.find((r) => r.code === item.code);
    const field = `addOns[${index}].code`;
    if (!row) refusals.push({ field, message: `unknown add-on "${item.code}"` });
    else if (!row.active) refusals.push({ field, message: `add-on ${item.code} is archived: it can no longer be bought` });
    else addOns.push({ addOn: toAddOnDefinition(row), quantity: item.quantity });
  });

  const couponRow = fields.coupon ? await prisma.coupon.findUnique({ where: { code: fields.coupon } }) : null;
  const couponRefused = fields.coupon ? redemptionRefusal(fields.coupon, couponRow, { planCode: plan.code, at }) : null;
  if (couponRefused) refusals.push({ field: 'coupon', message: couponRefused.message });

  const request = { addOns, customLines: fields.customLines ?? [], coupon: couponRow && !couponRefused ? toCouponDefinition(couponRow) : null };
  const priced = pricePackage(plan, request);
  if ('refusals' in priced) refusals.push(...priced.refusals);
  if (refusals.length > 0) throw invalid(refusals.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field)));
  if (!hasItems(request) || 'refusals' in priced) return undefined;
  return priced.items;
}

/** Refusals in the order of the request's fields: add-ons, custom lines, coupon. */
function fieldOrder(field: string): number {
  return field.startsWith('addOns') ? 0 : field.startsWith('customLines') ? 1 : 2;
}
