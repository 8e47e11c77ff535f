// Add-ons: recurring, one-time and metered extras, priced per currency. Read by every key, created,
// edited and archived by admins. Subscriptions price an add-on when its quantity changes, so a new
// price applies from a subscription's next change of quantity; archiving stops new purchases.
import { Router } from 'express';
import { toAddOnEntry } from '../../infra/catalogue';
import type { Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { invalid } from '../problem';
import { addOnCodeParams, createAddOnBody, listAddOnsQuery, updateAddOnBody } from '../schemas/catalogue-admin';
import { archiveRoutes, createUnique, found } from '../services/catalogue-admin';
import { cataloguePage } from '../services/catalogue-lists';
import { cachedRead } from '../read-cache';

export function addOnsRouter(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  router.get('/', async (req, res) => {
    const { kind, ...query } = listAddOnsQuery.parse(req.query);
    const find = (args: object) => cachedRead(deps.readCache, 'AddOn', `list ${JSON.stringify(args)}`, () => prisma.addOn.findMany(args as Prisma.AddOnFindManyArgs));
    res.json(await cataloguePage(find, query, kind ? { kind } : {}, toAddOnEntry));
  });

  router.post('/', async (req, res) => {
    const body = createAddOnBody.parse(req.body);
    const row = await createUnique('add-on', body.code, () => prisma.addOn.create({ data: body }));
    res.status(201).location(`/add-ons/${row.code}`).json(toAddOnEntry(row));
  });

  router.get('/:code', async (req, res) => {
    const { code } = addOnCodeParams.parse(req.params);
    res.json(toAddOnEntry(found(await prisma.addOn.findUnique({ where: { code } }), 'add-on', code)));
  });

  router.patch('/:code', async (req, res) => {
    const { code } = addOnCodeParams.parse(req.params);
    const body = updateAddOnBody.parse(req.body);
    const row = found(await prisma.addOn.findUnique({ where: { code } }), 'add-on', code);
    if (body.pricing !== undefined && row.kind !== 'metered') throw invalid([{ field: 'pricing', message: 'only a metered add-on has pricing tiers' }]);
    if (body.prices !== undefined && row.kind === 'metered') throw invalid([{ field: 'prices', message: 'a metered add-on has no price per quantity: its pricing tiers price it' }]);
    res.json(toAddOnEntry(await prisma.addOn.update({ where: { code }, data: body })));
  });

  archiveRoutes(router, deps.clock, {
    kind: 'add-on',
    codeOf: (params) => addOnCodeParams.parse(params).code,
    find: (code) => prisma.addOn.findUnique({ where: { code } }),
    update: (code, columns) => prisma.addOn.update({ where: { code }, data: columns }),
    toEntry: toAddOnEntry,
  });

  return router;
}
