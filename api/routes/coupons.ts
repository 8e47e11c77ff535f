// Coupons: percent or amount off, for once, some periods or forever, with limits (how many
// redemptions, until when, on which plans) that api/services/coupon-redemptions.ts enforces when a
// coupon is applied. What a coupon takes off never changes: its holders were promised it.
import { Router } from 'express';
import { toCouponEntry } from '../../infra/catalogue';
import type { Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { conflict, invalid } from '../problem';
import { couponCodeParams, createCouponBody, listCouponsQuery, updateCouponBody } from '../schemas/catalogue-admin';
import { archiveRoutes, createUnique, found } from '../services/catalogue-admin';
import { cataloguePage } from '../services/catalogue-lists';
import { cachedRead } from '../read-cache';

const dateOf = (iso: string | null | undefined) => (iso === undefined ? undefined : iso === null ? null : new Date(iso));

export function couponsRouter(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  /** A coupon for plans that do not exist would be refused everywhere: a typo, said at once. */
  async function checkPlans(codes: string[] | undefined): Promise<void> {
    if (!codes || codes.length === 0) return;
    const known = new Set((await prisma.plan.findMany({ where: { code: { in: codes } }, select: { code: true } })).map((plan) => plan.code));
    const unknown = codes.filter((code) => !known.has(code));
    if (unknown.length > 0) throw invalid([{ field: 'appliesToPlans', message: `no plan has the code ${unknown.map((code) => `"${code}"`).join(', ')}` }]);
  }

  router.get('/', async (req, res) => {
    const { currency, ...query } = listCouponsQuery.parse(req.query);
    const find = (args: object) => cachedRead(deps.readCache, 'Coupon', `list ${JSON.stringify(args)}`, () => prisma.coupon.findMany(args as Prisma.CouponFindManyArgs));
    res.json(await cataloguePage(find, query, currency ? { currency } : {}, toCouponEntry));
  });

  router.post('/', async (req, res) => {
    const { redeemBy, ...body } = createCouponBody.parse(req.body);
    await checkPlans(body.appliesToPlans);
    const data = {
      ...body,
      percentOff: body.percentOff ?? null,
      amountOffCents: body.amountOffCents ?? null,
      currency: body.currency ?? null,
      durationPeriods: body.durationPeriods ?? null,
      maxRedemptions: body.maxRedemptions ?? null,
      redeemBy: dateOf(redeemBy) ?? null,
    };
    const row = await createUnique('coupon', body.code, () => prisma.coupon.create({ data }));
    res.status(201).location(`/coupons/${row.code}`).json(toCouponEntry(row));
  });

  router.get('/:code', async (req, res) => {
    const { code } = couponCodeParams.parse(req.params);
    res.json(toCouponEntry(found(await prisma.coupon.findUnique({ where: { code } }), 'coupon', code)));
  });

  router.patch('/:code', async (req, res) => {
    const { code } = couponCodeParams.parse(req.params);
    const { redeemBy, ...body } = updateCouponBody.parse(req.body);
    await checkPlans(body.appliesToPlans);
    const row = found(await prisma.coupon.findUnique({ where: { code } }), 'coupon', code);
    const tooLow = (redemptions: number) => conflict(`coupon ${code} has been redeemed ${redemptions} times: maxRedemptions cannot be lower`);
    if (body.maxRedemptions != null && body.maxRedemptions < row.redemptions) throw tooLow(row.redemptions);
    try {
      res.json(toCouponEntry(await prisma.coupon.update({ where: { code }, data: { ...body, redeemBy: dateOf(redeemBy) } })));
    } catch (error) {
      // A redemption counted between the check above and the update: the table's constraint refused it.
      if (String(error).includes('Coupon_redemptions_within_limit')) throw tooLow((await prisma.coupon.findUniqueOrThrow({ where: { code } })).redemptions);
      throw error;
    }
  });

  archiveRoutes(router, deps.clock, {
    kind: 'coupon',
    codeOf: (params) => couponCodeParams.parse(params).code,
    find: (code) => prisma.coupon.findUnique({ where: { code } }),
    update: (code, columns) => prisma.coupon.update({ where: { code }, data: columns }),
    toEntry: toCouponEntry,
  });

  return router;
}
