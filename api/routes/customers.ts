import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { customerParams } from '../schemas/reads';
import { getCustomer } from '../services/subscription-reads';

export function customersRouter(deps: ApiDeps): Router {
  const router = Router();
  /** The customer with all their subscriptions. */
  router.get('/:id', async (req, res) => {
    res.json(await getCustomer(deps, customerParams.parse(req.params).id));
  });
  return router;
}
