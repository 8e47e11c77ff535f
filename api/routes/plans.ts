// Plans: read by everyone with a key, created, edited and archived by admins. A plan's price,
// currency and interval never change here (subscribers bought them); archiving takes a plan off
// sale for new subscriptions and plan changes, while subscriptions on it renew as before.
import { Router } from 'express';
import { toPlanEntry } from '../../infra/catalogue';
import type { Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { conflict, invalid } from '../problem';
import { createPlanBody, fixedPlanFields, listPlansQuery, planCodeParams, updatePlanBody } from '../schemas/catalogue-admin';
import { archiveRoutes, createUnique, found } from '../services/catalogue-admin';
import { cataloguePage } from '../services/catalogue-lists';
import { cachedRead } from '../read-cache';

export function plansRouter(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  router.get('/', async (req, res) => {
    const { product, currency, ...query } = listPlansQuery.parse(req.query);
    const filters = { ...(product ? { product } : {}), ...(currency ? { currency } : {}) };
    const find = (args: object) => cachedRead(deps.readCache, 'Plan', `list ${JSON.stringify(args)}`, () => prisma.plan.findMany(args as Prisma.PlanFindManyArgs));
    res.json(await cataloguePage(find, query, filters, toPlanEntry));
  });

  router.post('/', async (req, res) => {
    const { interval, ...body } = createPlanBody.parse(req.body);
    const product = await prisma.product.findUnique({ where: { code: body.product } });
    if (!product) throw invalid([{ field: 'product', message: `no product has the code "${body.product}" (POST /products first)` }]);
    if (!product.active) throw conflict(`product ${product.code} is archived: it takes no new plans`);
    const data = { ...body, intervalUnit: interval.unit, intervalCount: interval.count };
    const row = await createUnique('plan', body.code, () => prisma.plan.create({ data }));
    res.status(201).location(`/plans/${row.code}`).json(toPlanEntry(row));
  });

  router.get('/:code', async (req, res) => {
    const { code } = planCodeParams.parse(req.params);
    const row = await cachedRead(deps.readCache, 'Plan', `code ${code}`, () => prisma.plan.findUnique({ where: { code } }));
    res.json(toPlanEntry(found(row, 'plan', code)));
  });

  /** Subscriptions carry the plan as they bought it: an edit shows on new subscriptions and plan changes. */
  router.patch('/:code', async (req, res) => {
    const { code } = planCodeParams.parse(req.params);
    const fixed = fixedPlanFields(req.body);
    if (fixed.length > 0) throw invalid(fixed);
    const body = updatePlanBody.parse(req.body);
    found(await prisma.plan.findUnique({ where: { code } }), 'plan', code);
    res.json(toPlanEntry(await prisma.plan.update({ where: { code }, data: body })));
  });

  archiveRoutes(router, deps.clock, {
    kind: 'plan',
    codeOf: (params) => planCodeParams.parse(params).code,
    find: (code) => prisma.plan.findUnique({ where: { code } }),
    update: (code, columns) => prisma.plan.update({ where: { code }, data: columns }),
    toEntry: toPlanEntry,
  });

  return router;
}
