// The upsell and retention rules product teams edit (products, plans, add-ons and coupons have
// routers of their own).
import { Router } from 'express';
import { ZodError } from 'zod';
import { toOfferRule } from '../../infra/catalogue';
import { StoredRowError } from '../../infra/stored-row';
import type { ApiDeps } from '../deps';
import { offerRuleBody, offerRuleParams } from '../schemas/catalogue';

export function catalogueRouter({ prisma }: ApiDeps): Router {
  const router = Router();

  router.get('/offer-rules', async (req, res) => {
    const rows = await prisma.offerRule.findMany({ orderBy: [{ priority: 'desc' }, { id: 'asc' }] });
    // A rule broken by a hand edit in the database is left out and logged, as the workflows skip
    // it: the caller's request is not what is wrong, and the other rules stay readable.
    const data = rows.flatMap((row) => {
      try {
        return [toOfferRule(row)];
      } catch (error) {
        req.log.error({ event: 'offer_rule.invalid', ruleId: row.id, err: error }, 'a stored offer rule is not valid: left out of the list (PUT it again to fix it)');
        return [];
      }
    });
    res.json({ data });
  });

  /** Creates or replaces a rule; running subscriptions use it from their next evaluation. */
  router.put('/offer-rules/:id', async (req, res) => {
    const { id } = offerRuleParams.parse(req.params);
    const { id: _ignored, description, enabled, priority, ...definition } = offerRuleBody.parse(req.body);
    const rule = await prisma.$transaction(async (tx) => {
      const row = await tx.offerRule.upsert({
        where: { id },
        create: { id, description, enabled, priority, definition },
        update: { description, enabled, priority, definition },
      });
      // Read back as every reader will read it, before it commits: a value the JSON column does
      // not keep as sent is refused here (the request's fault, so a 400) rather than stored to
      // break every later read.
      try {
        return toOfferRule(row);
      } catch (error) {
        if (!(error instanceof StoredRowError)) throw error;
        throw new ZodError(error.issues);
      }
    });
    res.json(rule);
  });

  return router;
}
