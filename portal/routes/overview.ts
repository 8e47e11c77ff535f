// GET /portal: the signed-in customer's subscriptions. Live ones are read from their workflows (as
// GET /subscriptions/:id is), ended ones from the database.
import { Router } from 'express';
import { withSubscription } from '../../api/services/commands';
import { getSubscription } from '../../workflows/contract';
import { requireCustomer, sessionOf } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { renderPage } from '../render';
import { endedCard, liveCard } from '../subscription-card';

const ENDED = new Set(['canceled', 'incomplete_expired']);

export function overviewRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();

  router.get('/', requireCustomer(), async (_req, res) => {
    const words = portalOf(res);
    const { customerId } = sessionOf(res);
    const rows = await deps.prisma.subscription.findMany({ where: { customerId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const ended = rows.filter((row) => ENDED.has(row.status)).map((row) => row.planCode);
    const plans = new Map((await deps.prisma.plan.findMany({ where: { code: { in: ended } }, select: { code: true, name: true } })).map((plan) => [plan.code, plan.name]));
    const cards = await Promise.all(
      rows.map(async (row) =>
        ENDED.has(row.status)
          ? endedCard(row, plans.get(row.planCode) ?? row.planCode, words)
          : liveCard(await withSubscription(deps, row.id, (handle) => handle.query(getSubscription), 'read'), deps.links, words),
      ),
    );
    renderPage(res, 'overview', { title: words.t('overview.title'), cards });
  });

  return router;
}
