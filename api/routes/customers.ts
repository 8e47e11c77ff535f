import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { billingProfileInput } from '../schemas/billing-profile';
import { customerParams } from '../schemas/reads';
import { setBillingProfile } from '../services/billing-profiles';
import { getEntitlements } from '../services/entitlements';
import { getCustomer } from '../services/subscription-reads';

export function customersRouter(deps: ApiDeps): Router {
  const router = Router();
  /** The customer with their billing profile and all their subscriptions. */
  router.get('/:id', async (req, res) => {
    res.json(await getCustomer(deps, customerParams.parse(req.params).id));
  });
  /** The features and limits the customer's subscriptions grant now, from the projection. */
  router.get('/:id/entitlements', async (req, res) => {
    res.json(await getEntitlements(deps, customerParams.parse(req.params).id));
  });
  /** Replaces the billing profile; the customer's next finalized invoices use it. */
  router.put('/:id/billing-profile', async (req, res) => {
    const { id } = customerParams.parse(req.params);
    res.json(await setBillingProfile(deps, id, billingProfileInput.parse(req.body)));
  });
  return router;
}
