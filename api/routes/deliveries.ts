// Deliveries of a subscription's shipping add-ons: the list, a skip, a new address.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { deliveryAddressBody, deliveryParams } from '../schemas/deliveries';
import { subscriptionParams } from '../schemas/subscriptions';
import { listDeliveries, setDeliveryAddress, skipDelivery } from '../services/deliveries';

export function deliveriesRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/:id/deliveries', async (req, res) => {
    res.json(await listDeliveries(deps, subscriptionParams.parse(req.params).id));
  });

  router.post('/:id/deliveries/:deliveryId/skip', async (req, res) => {
    const { id, deliveryId } = deliveryParams.parse(req.params);
    res.json(await skipDelivery(deps, id, deliveryId));
  });

  router.put('/:id/delivery-address', async (req, res) => {
    const id = subscriptionParams.parse(req.params).id;
    res.json(await setDeliveryAddress(deps, id, deliveryAddressBody.parse(req.body)));
  });

  return router;
}
