// Reports for product teams.
import { Router } from 'express';
import type { ApiDeps } from '../deps';

export function reportsRouter({ prisma }: ApiDeps): Router {
  const router = Router();

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
