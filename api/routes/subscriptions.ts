import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { createSubscriptionBody, importSubscriptionsBody, subscriptionParams } from '../schemas/subscriptions';
import { importSubscriptions } from '../services/subscription-imports';
import { createSubscription, getSubscriptionView } from '../services/subscriptions';

export function subscriptionsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = createSubscriptionBody.parse(req.body);
    const { created, subscription } = await createSubscription(deps, body);
    res
      .status(created ? 201 : 200)
      .location(`/subscriptions/${subscription.id}`)
      .json(subscription);
  });

  router.post('/imports', async (req, res) => {
    const result = await importSubscriptions(deps, importSubscriptionsBody.parse(req.body));
    res.status(result.created > 0 ? 201 : 200).json(result);
  });

  router.get('/:id', async (req, res) => {
    const { id } = subscriptionParams.parse(req.params);
    res.json(await getSubscriptionView(deps, id));
  });

  return router;
}
