// The catalogue beyond plans: add-ons, coupons, and the upsell rules product teams edit.
import { Router } from 'express';
import { z } from 'zod';
import { offerRule, toAddOnDefinition, toCouponDefinition, toOfferRule } from '../../infra/catalogue';
import type { ApiDeps } from '../deps';

const ruleParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/) });

export function catalogueRouter({ prisma }: ApiDeps): Router {
  const router = Router();

  router.get('/add-ons', async (_req, res) => {
    const rows = await prisma.addOn.findMany({ where: { active: true }, orderBy: { code: 'asc' } });
    res.json({ data: rows.map(toAddOnDefinition) });
  });

  router.get('/coupons', async (_req, res) => {
    const rows = await prisma.coupon.findMany({ where: { active: true }, orderBy: { code: 'asc' } });
    res.json({ data: rows.map(toCouponDefinition) });
  });

  router.get('/offer-rules', async (_req, res) => {
    const rows = await prisma.offerRule.findMany({ orderBy: [{ priority: 'desc' }, { id: 'asc' }] });
    res.json({ data: rows.map(toOfferRule) });
  });

  /** Creates or replaces a rule; running subscriptions use it from their next evaluation. */
  router.put('/offer-rules/:id', async (req, res) => {
    const { id } = ruleParams.parse(req.params);
    const { id: _ignored, description, enabled, priority, ...definition } = offerRule.parse({ ...req.body, id });
    const row = await prisma.offerRule.upsert({
      where: { id },
      create: { id, description, enabled, priority, definition },
      update: { description, enabled, priority, definition },
    });
    res.json(toOfferRule(row));
  });

  return router;
}
