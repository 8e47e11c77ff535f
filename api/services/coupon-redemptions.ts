// Applying a catalogue coupon within its limits: not archived, not after its redeemBy (on the API's
// clock), only on the plans it names, and at most maxRedemptions times in all. The count is taken
// in one conditional UPDATE, so two customers racing for the last redemption cannot both get it;
// when the subscription then refuses the coupon, the redemption is given back.
import type { Coupon, PrismaClient } from '../../prisma/generated/client';
import { ProblemError } from '../problem';

export type CouponRefusal = 'unknown' | 'archived' | 'expired' | 'used_up' | 'other_plan';

export class CouponRefused extends ProblemError {
  constructor(
    readonly reason: CouponRefusal,
    detail: string,
  ) {
    const bad = reason === 'unknown' || reason === 'archived';
    super(bad ? 400 : 409, bad ? 'validation-error' : 'conflict', detail, bad ? { errors: [{ field: 'code', message: detail }] } : { reason });
  }
}

export interface Redemption {
  /** The subscription's plan now. */
  planCode: string;
  at: Date;
}

/** Why `row` cannot be applied to a subscription on `planCode` at `at`, short of its count; or null. */
export function redemptionRefusal(code: string, row: Coupon | null, { planCode, at }: Redemption): CouponRefused | null {
  if (!row) return new CouponRefused('unknown', `unknown coupon "${code}"`);
  if (!row.active) return new CouponRefused('archived', `coupon "${code}" is archived: it can no longer be applied`);
  if (row.redeemBy && at.getTime() > row.redeemBy.getTime()) return new CouponRefused('expired', `coupon ${code} could be redeemed until ${row.redeemBy.toISOString()}`);
  if (row.appliesToPlans.length > 0 && !row.appliesToPlans.includes(planCode)) {
    return new CouponRefused('other_plan', `coupon ${code} applies to ${row.appliesToPlans.join(', ')} only, not to ${planCode}`);
  }
  return null;
}

/** Counts one redemption of `code`, or throws why it cannot be had. */
export async function redeemCoupon(prisma: PrismaClient, code: string, redemption: Redemption): Promise<Coupon> {
  const row = await prisma.coupon.findUnique({ where: { code } });
  const refused = redemptionRefusal(code, row, redemption);
  if (refused) throw refused;
  const counted = await prisma.$executeRaw`
    UPDATE "Coupon" SET "redemptions" = "redemptions" + 1, "updatedAt" = now()
    WHERE "code" = ${code} AND ("maxRedemptions" IS NULL OR "redemptions" < "maxRedemptions")`;
  if (counted === 0) throw new CouponRefused('used_up', `coupon ${code} has been redeemed its ${row!.maxRedemptions} times`);
  return row!;
}

/** Gives back a redemption the subscription did not take. */
export async function releaseCoupon(prisma: PrismaClient, code: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "Coupon" SET "redemptions" = "redemptions" - 1, "updatedAt" = now() WHERE "code" = ${code} AND "redemptions" > 0`;
}

/** Redeems `code`, runs `apply` with it, and gives the redemption back if `apply` fails. */
export async function withRedemption<T>(prisma: PrismaClient, code: string, redemption: Redemption, apply: (coupon: Coupon) => Promise<T>): Promise<T> {
  const coupon = await redeemCoupon(prisma, code, redemption);
  try {
    return await apply(coupon);
  } catch (error) {
    await releaseCoupon(prisma, code);
    throw error;
  }
}
