// Bulk plan migrations (product teams): start one, then follow it.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { planMigrationParams, planMigrationQuery, planParams, startPlanMigrationBody } from '../schemas/plan-migrations';
import { getPlanMigration, startPlanMigration } from '../services/plan-migrations';

export function planMigrationsRouter(deps: ApiDeps): Router {
  const router = Router();

  /** 202: the migration runs in the background; its Location reports progress and the result. */
  router.post('/:code/migrations', async (req, res) => {
    const { code } = planParams.parse(req.params);
    const body = startPlanMigrationBody.parse(req.body ?? {});
    const migration = await startPlanMigration(deps, code, body);
    res.status(202).location(`/plans/migrations/${migration.id}`).json(migration);
  });

  router.get('/migrations/:id', async (req, res) => {
    const { id } = planMigrationParams.parse(req.params);
    res.json(await getPlanMigration(deps, id, planMigrationQuery.parse(req.query)));
  });

  return router;
}
