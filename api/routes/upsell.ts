// Usage reports, add-ons, coupons and upsell offers of one subscription.
import { Router } from 'express';
import { isCustomLineCode } from '../../domain/custom-lines';
import { toAddOnDefinition, toCouponDefinition } from '../../infra/catalogue';
import { verifyOfferToken } from '../../infra/links';
import * as messages from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { commandOptions } from '../idempotency';
import { conflict, invalid, notFound, ProblemError } from '../problem';
import { addOnBody, addOnParams, couponBody, customLineBody, offerActionBody, offerActionQuery, offerParams, previewAddOnQuery, usageBody } from '../schemas/upsell';
import { subscriptionParams } from '../schemas/subscriptions';
import { withSubscription } from '../services/commands';
import { withRedemption } from '../services/coupon-redemptions';
import { recordUsage, runningUsage } from '../services/usage';

export function upsellRouter(deps: ApiDeps): Router {
  const router = Router();
  const idOf = (params: unknown) => subscriptionParams.parse(params).id;

  /** Stored, then signalled; a repeated event id is answered 200 as a duplicate and counted once. */
  router.post('/:id/usage', async (req, res) => {
    const recorded = await recordUsage(deps, idOf(req.params), usageBody.parse(req.body));
    res.status(recorded.duplicate ? 200 : 202).json(recorded);
  });

  /** The running period's metered usage: aggregated so far, included units, and what it would cost now. */
  router.get('/:id/usage', async (req, res) => {
    res.json(await runningUsage(deps, idOf(req.params)));
  });

  /**
   * An archived add-on can still be removed from a subscription that holds it, not bought. An
   * unknown code is a field of the body that is not valid (400), or a resource the path names
   * that does not exist (404).
   */
  const addOnByCode = async (code: string, purpose: 'buy' | 'remove', named: 'body' | 'path') => {
    const row = await deps.prisma.addOn.findUnique({ where: { code } });
    if (!row && named === 'path') throw notFound(`no add-on has the code ${code}`);
    if (!row) throw invalid([{ field: 'code', message: `unknown add-on "${code}"` }]);
    if (!row.active && purpose === 'buy') throw conflict(`add-on ${code} is archived: it can no longer be bought`);
    return toAddOnDefinition(row);
  };

  /** A custom line's code (custom-1, …) changes that line at its negotiated price; any other code is a catalogue add-on. */
  router.post('/:id/add-ons', async (req, res) => {
    const id = idOf(req.params);
    const body = addOnBody.parse(req.body);
    if (isCustomLineCode(body.code)) {
      const input = { code: body.code, quantity: body.quantity };
      res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.setCustomLine, { args: [input], ...commandOptions(res) })));
      return;
    }
    const input = { addOn: await addOnByCode(body.code, 'buy', 'body'), quantity: body.quantity };
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.setAddOn, { args: [input], ...commandOptions(res) })));
  });

  /** A new custom line at a negotiated price; the rest of a paid period is prorated on the next invoice. */
  router.post('/:id/custom-lines', async (req, res) => {
    const id = idOf(req.params);
    const input = { line: customLineBody.parse(req.body) };
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.addCustomLine, { args: [input], ...commandOptions(res) })));
  });

  /** What the quantity would add to the next invoice and to the price per period; changes nothing (409: it would be refused). */
  router.get('/:id/add-ons/:code/preview', async (req, res) => {
    const { id, code } = addOnParams.parse(req.params);
    const { quantity } = previewAddOnQuery.parse(req.query);
    const at = (await deps.clock()).toISOString();
    const addOn = isCustomLineCode(code) ? null : await addOnByCode(code, 'buy', 'path');
    const preview = addOn
      ? await withSubscription(deps, id, (h) => h.query(messages.previewAddOnChange, { addOn, quantity, at }), 'read')
      : await withSubscription(deps, id, (h) => h.query(messages.previewCustomLineChange, { code, quantity, at }), 'read');
    if (!preview.allowed) throw conflict(preview.reason);
    res.json(preview);
  });

  router.delete('/:id/add-ons/:code', async (req, res) => {
    const { id, code } = addOnParams.parse(req.params);
    if (isCustomLineCode(code)) {
      const input = { code, quantity: 0 };
      res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.setCustomLine, { args: [input], ...commandOptions(res) })));
      return;
    }
    const input = { addOn: await addOnByCode(code, 'remove', 'path'), quantity: 0 };
    res.json(await withSubscription(deps, id, (h) => h.executeUpdate(messages.setAddOn, { args: [input], ...commandOptions(res) })));
  });

  router.post('/:id/coupon', async (req, res) => {
    const id = idOf(req.params);
    const { code } = couponBody.parse(req.body);
    const subscription = await deps.prisma.subscription.findUnique({ where: { id }, select: { planCode: true } });
    if (!subscription) throw notFound(`subscription ${id} does not exist`);
    const redemption = { planCode: subscription.planCode, at: await deps.clock() };
    const result = await withRedemption(deps.prisma, code, redemption, (row) =>
      withSubscription(deps, id, (h) => h.executeUpdate(messages.applyCoupon, { args: [{ coupon: toCouponDefinition(row) }], ...commandOptions(res) })),
    );
    res.json(result);
  });

  router.delete('/:id/coupon', async (req, res) => {
    res.json(await withSubscription(deps, idOf(req.params), (h) => h.executeUpdate(messages.removeCoupon, commandOptions(res))));
  });

  /** A customer's link carries a signed token; without one, the caller is the API's own client. */
  async function checkToken(params: { id: string; offerId: string }, token: string | undefined): Promise<void> {
    if (token === undefined) return;
    if (!verifyOfferToken(deps.links, token, params.id, params.offerId, await deps.clock())) {
      throw new ProblemError(403, 'forbidden', 'the link is invalid or has expired');
    }
  }

  router.post('/:id/offers/:offerId/accept', async (req, res) => {
    const params = offerParams.parse(req.params);
    const { token } = { ...offerActionQuery.parse(req.query), ...offerActionBody.parse(req.body ?? {}) };
    await checkToken(params, token);
    const input = { offerId: params.offerId };
    res.json(await withSubscription(deps, params.id, (h) => h.executeUpdate(messages.acceptOffer, { args: [input], ...commandOptions(res) })));
  });

  router.post('/:id/offers/:offerId/decline', async (req, res) => {
    const params = offerParams.parse(req.params);
    const { token } = { ...offerActionQuery.parse(req.query), ...offerActionBody.parse(req.body ?? {}) };
    await checkToken(params, token);
    const input = { offerId: params.offerId };
    res.json(await withSubscription(deps, params.id, (h) => h.executeUpdate(messages.declineOffer, { args: [input], ...commandOptions(res) })));
  });

  return router;
}
