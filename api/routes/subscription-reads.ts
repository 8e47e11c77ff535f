// Lists and histories of subscriptions, from the database projection; and the grandfathered flag.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { grandfatheredBody, listSubscriptionsQuery, pageQuery } from '../schemas/reads';
import { subscriptionParams } from '../schemas/subscriptions';
import { listInvoices, listSubscriptions, setGrandfathered, subscriptionTimeline } from '../services/subscription-reads';

export function subscriptionReadsRouter(deps: ApiDeps): Router {
  const router = Router();
  const idOf = (params: unknown) => subscriptionParams.parse(params).id;

  router.get('/', async (req, res) => {
    res.json(await listSubscriptions(deps, listSubscriptionsQuery.parse(req.query)));
  });

  router.get('/:id/invoices', async (req, res) => {
    const id = idOf(req.params);
    res.json(await listInvoices(deps, id, pageQuery.parse(req.query)));
  });

  router.get('/:id/timeline', async (req, res) => {
    res.json(await subscriptionTimeline(deps, idOf(req.params)));
  });

  /** Grandfathered subscriptions keep their plan when a bulk migration excludes them. */
  router.put('/:id/grandfathered', async (req, res) => {
    const id = idOf(req.params);
    const { grandfathered } = grandfatheredBody.parse(req.body);
    res.json(await setGrandfathered(deps, id, grandfathered));
  });

  return router;
}
