// A plan's price versions (product teams): change the price, read the history.
import { Router } from 'express';
import { callerOf } from '../auth';
import type { ApiDeps } from '../deps';
import { newPriceVersionBody, priceVersionsQuery } from '../schemas/price-versions';
import { planParams } from '../schemas/plan-migrations';
import { addPriceVersion, listPriceVersions } from '../services/price-versions';

export function priceVersionsRouter(deps: ApiDeps): Router {
  const router = Router();

  /** 201: the new version is the plan's price from now on, for new subscriptions and plan changes. */
  router.post('/:code/prices', async (req, res) => {
    const { code } = planParams.parse(req.params);
    const body = newPriceVersionBody.parse(req.body ?? {});
    const caller = callerOf(res);
    res.status(201).json(await addPriceVersion(deps, code, body, caller.kind === 'key' ? caller.prefix : null));
  });

  router.get('/:code/prices', async (req, res) => {
    const { code } = planParams.parse(req.params);
    res.json(await listPriceVersions(deps, code, priceVersionsQuery.parse(req.query)));
  });

  return router;
}
