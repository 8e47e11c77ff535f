import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { invoiceParams } from '../schemas/reads';
import { getInvoice } from '../services/invoices';

export function invoicesRouter(deps: ApiDeps): Router {
  const router = Router();
  /** By id or number: lines, payment attempts and credit notes. */
  router.get('/:id', async (req, res) => {
    res.json(await getInvoice(deps, invoiceParams.parse(req.params).id));
  });
  return router;
}
