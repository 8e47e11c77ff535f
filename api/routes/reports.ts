// Reports for product teams. Revenue figures are here, behind a `read` key, and not on the public
// /metrics: they are the business's own numbers.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { monthsQuery } from '../schemas/reports';
import { churnReport, dunningReport, revenueReport } from '../services/reports';

export function reportsRouter(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  router.get('/revenue', async (_req, res) => {
    res.json(await revenueReport(deps));
  });

  router.get('/churn', async (req, res) => {
    res.json(await churnReport(deps, monthsQuery.parse(req.query)));
  });

  router.get('/dunning', async (req, res) => {
    res.json(await dunningReport(deps, monthsQuery.parse(req.query)));
  });

  /** Offers made, accepted, declined and expired, and the monthly recurring revenue they added. */
  router.get('/upsell', async (_req, res) => {
    const byStatus = await prisma.offer.groupBy({ by: ['status'], _count: { _all: true } });
    const count = (status: string) => byStatus.find((row) => row.status === status)?._count._all ?? 0;
    const revenue = await prisma.offer.groupBy({ by: ['currency'], where: { status: 'accepted' }, _sum: { mrrDeltaCents: true } });
    const byRule = await prisma.offer.groupBy({ by: ['ruleId', 'status'], _count: { _all: true } });
    const made = byStatus.reduce((sum, row) => sum + row._count._all, 0);
    const rules: Record<string, Record<string, number>> = {};
    for (const row of byRule) (rules[row.ruleId] ??= {})[row.status] = row._count._all;
    res.json({
      offers: { made, open: count('open'), accepted: count('accepted'), declined: count('declined'), expired: count('expired') },
      acceptanceRate: made > 0 ? count('accepted') / made : 0,
      extraMrr: revenue.map((row) => ({ currency: row.currency, amountCents: row._sum.mrrDeltaCents ?? 0 })),
      byRule: rules,
    });
  });

  return router;
}
