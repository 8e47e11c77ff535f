import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { createSubscriptionBody, getSubscriptionQuery, importSubscriptionsBody, subscriptionParams } from '../schemas/subscriptions';
import { importSubscriptions } from '../services/subscription-imports';
import { createSubscription } from '../services/subscriptions';
import { readSubscriptionView } from '../services/subscription-view';

/** RFC 7240: `Prefer: respond-async` among the preferences (comma-separated, any case, parameters allowed). */
export function prefersAsync(header: string | undefined): boolean {
  return (header ?? '').split(',').some((preference) => preference.split(';')[0]!.trim().toLowerCase() === 'respond-async');
}

export function subscriptionsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = createSubscriptionBody.parse(req.body);
    const outcome = await createSubscription(deps, body, { respondAsync: prefersAsync(req.get('prefer')) });
    if ('accepted' in outcome) {
      res.status(202).location(outcome.accepted.href).set('Preference-Applied', 'respond-async').json(outcome.accepted);
      return;
    }
    res
      .status(outcome.created ? 201 : 200)
      .location(`/subscriptions/${outcome.subscription.id}`)
      .json(outcome.subscription);
  });

  router.post('/imports', async (req, res) => {
    const result = await importSubscriptions(deps, importSubscriptionsBody.parse(req.body));
    res.status(result.created > 0 ? 201 : 200).json(result);
  });

  router.get('/:id', async (req, res) => {
    const { id } = subscriptionParams.parse(req.params);
    const { consistency } = getSubscriptionQuery.parse(req.query);
    const read = await readSubscriptionView(deps, id, consistency);
    res.set('X-Consistency', read.consistency).json(read.view);
  });

  return router;
}
