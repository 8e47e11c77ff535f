// Commands on one subscription. Each is a workflow update: refused commands answer 409 and
// change nothing.
import { Router } from 'express';
import * as messages from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { commandOptions } from '../idempotency';
import { conflict } from '../problem';
import { cancelBody, changePlanBody, emptyBody, pauseBody, paymentMethodBody, previewPlanChangeQuery, resumeBody } from '../schemas/commands';
import { subscriptionParams } from '../schemas/subscriptions';
import { planByCode, withSubscription } from '../services/commands';

export function subscriptionCommandsRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });
  const idOf = (params: unknown) => subscriptionParams.parse(params).id;

  router.post('/:id/plan', async (req, res) => {
    const id = idOf(req.params);
    const body = changePlanBody.parse(req.body);
    const plan = await planByCode(deps, body.plan);
    const input = { plan, ...(body.when ? { when: body.when } : {}) };
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.changePlan, { args: [input], ...commandOptions(res) })));
  });

  router.get('/:id/plan-change/preview', async (req, res) => {
    const id = idOf(req.params);
    const query = previewPlanChangeQuery.parse(req.query);
    const plan = await planByCode(deps, query.plan);
    const input = { plan, ...(query.when ? { when: query.when } : {}), at: (await deps.clock()).toISOString() };
    const preview = await withSubscription(deps, id, (h) => h.query(messages.previewPlanChange, input), 'read');
    if (!preview.allowed) throw conflict(preview.reason);
    res.json(preview);
  });

  router.delete('/:id/plan-change', async (req, res) => {
    res.json(await withSubscription(deps, idOf(req.params), (h) => h.executeUpdate(messages.cancelScheduledPlanChange, commandOptions(res))));
  });

  router.post('/:id/cancel', async (req, res) => {
    const id = idOf(req.params);
    const body = cancelBody.parse(req.body ?? {});
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.cancel, { args: [body], ...commandOptions(res) })));
  });

  router.post('/:id/uncancel', async (req, res) => {
    const id = idOf(req.params);
    emptyBody.parse(req.body ?? {});
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.uncancel, commandOptions(res))));
  });

  router.post('/:id/pause', async (req, res) => {
    const id = idOf(req.params);
    const body = pauseBody.parse(req.body ?? {});
    const input = { when: body.when, periods: body.periods ?? null };
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.pause, { args: [input], ...commandOptions(res) })));
  });

  router.post('/:id/resume', async (req, res) => {
    const id = idOf(req.params);
    const body = resumeBody.parse(req.body ?? {});
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.resume, { args: [body], ...commandOptions(res) })));
  });

  router.post('/:id/payment-method', async (req, res) => {
    const id = idOf(req.params);
    const body = paymentMethodBody.parse(req.body);
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.updatePaymentMethod, { args: [body], ...commandOptions(res) })));
  });

  return router;
}
