// The audit log (admin scope): read-only here, written by api/audit.ts.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { auditEventsQuery } from '../schemas/audit-events';
import { listAuditEvents } from '../services/audit-events';

export function auditEventsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await listAuditEvents(deps, auditEventsQuery.parse(req.query)));
  });
  return router;
}
