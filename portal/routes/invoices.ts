// The signed-in customer's invoices, and each one's PDF as stored when it was finalized (the same
// file GET /invoices/:id/pdf serves to API clients). Drafts are not invoices yet: not shown.
import { Router } from 'express';
import { z } from 'zod';
import { invoiceFile } from '../../api/services/documents';
import { ownInvoice, requireCustomer, sessionOf } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { pageNotFound } from '../errors';
import type { MessageKey } from '../i18n';
import { renderPage } from '../render';

/** The newest ones; a customer with more has had the subscription for over eight years of months. */
const SHOWN = 100;

const invoiceParams = z.object({ id: z.string().min(1).max(100) });

export function invoicesRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();

  router.get('/invoices', requireCustomer(), async (_req, res) => {
    const { t, fmt } = portalOf(res);
    const rows = await deps.prisma.invoice.findMany({
      where: { customerId: sessionOf(res).customerId, status: { not: 'draft' } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: SHOWN,
    });
    const invoices = rows.map((row) => ({
      id: row.id,
      number: row.number,
      date: fmt.date(row.createdAt.toISOString()),
      // Periods end where the next begins: the last day is the one before the end.
      period: `${fmt.date(row.periodStart.toISOString())} – ${fmt.date(new Date(Math.max(row.periodStart.getTime(), row.periodEnd.getTime() - 1)).toISOString())}`,
      amount: fmt.money(row.amountCents, row.currency),
      status: t(`invoiceStatus.${row.status}` as MessageKey),
      hasPdf: row.document !== null,
    }));
    renderPage(res, 'invoices', { title: t('invoices.title'), invoices });
  });

  router.get('/invoices/:id/pdf', requireCustomer(), async (req, res) => {
    const params = invoiceParams.safeParse(req.params);
    if (!params.success) throw pageNotFound();
    const invoice = await ownInvoice(deps, sessionOf(res).customerId, params.data.id);
    if (!invoice.document) throw pageNotFound();
    const file = await invoiceFile(deps, invoice.id, 'pdf');
    res.type(file.contentType).set('Cache-Control', 'no-store').set('Content-Disposition', `attachment; filename="${file.fileName}"`).send(file.content);
  });

  return router;
}
