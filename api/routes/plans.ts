import { Router } from 'express';
import { toPlanSnapshot } from '../../infra/plans';
import type { ApiDeps } from '../deps';

export function plansRouter({ prisma }: ApiDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const plans = await prisma.plan.findMany({ where: { active: true }, orderBy: [{ currency: 'asc' }, { tier: 'asc' }, { code: 'asc' }] });
    res.json({ data: plans.map(toPlanSnapshot) });
  });
  return router;
}
