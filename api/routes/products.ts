// Products: what plans sell. Created, renamed and archived by admins; never deleted, since plans
// (and through them subscriptions) name them.
import { Router } from 'express';
import { toProductEntry } from '../../infra/catalogue';
import type { Prisma } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { createProductBody, listProductsQuery, productParams, updateProductBody } from '../schemas/catalogue-admin';
import { archiveRoutes, createUnique, found } from '../services/catalogue-admin';
import { cataloguePage } from '../services/catalogue-lists';
import { cachedRead } from '../read-cache';

export function productsRouter(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  router.get('/', async (req, res) => {
    const query = listProductsQuery.parse(req.query);
    const find = (args: object) => cachedRead(deps.readCache, 'Product', `list ${JSON.stringify(args)}`, () => prisma.product.findMany(args as Prisma.ProductFindManyArgs));
    res.json(await cataloguePage(find, query, {}, toProductEntry));
  });

  router.post('/', async (req, res) => {
    const body = createProductBody.parse(req.body);
    const row = await createUnique('product', body.code, () => prisma.product.create({ data: body }));
    res.status(201).location(`/products/${row.code}`).json(toProductEntry(row));
  });

  router.get('/:code', async (req, res) => {
    const { code } = productParams.parse(req.params);
    res.json(toProductEntry(found(await prisma.product.findUnique({ where: { code } }), 'product', code)));
  });

  router.patch('/:code', async (req, res) => {
    const { code } = productParams.parse(req.params);
    const body = updateProductBody.parse(req.body);
    found(await prisma.product.findUnique({ where: { code } }), 'product', code);
    res.json(toProductEntry(await prisma.product.update({ where: { code }, data: body })));
  });

  /** New plans cannot name an archived product; its plans are archived on their own (or not). */
  archiveRoutes(router, deps.clock, {
    kind: 'product',
    codeOf: (params) => productParams.parse(params).code,
    find: (code) => prisma.product.findUnique({ where: { code } }),
    update: (code, columns) => prisma.product.update({ where: { code }, data: columns }),
    toEntry: toProductEntry,
  });

  return router;
}
