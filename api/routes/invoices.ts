import type { Response } from 'express';
import { Router } from 'express';
import type { StoredDocument } from '../../infra/document-store';
import type { ApiDeps } from '../deps';
import { creditNoteParams, invoiceParams } from '../schemas/reads';
import { creditNoteFile, findCreditNote, invoiceFile } from '../services/documents';
import { creditNoteView, getInvoice } from '../services/invoices';

function sendFile(res: Response, file: StoredDocument): void {
  res.type(file.contentType).set('Content-Disposition', `inline; filename="${file.fileName}"`).send(file.content);
}

export function invoicesRouter(deps: ApiDeps): Router {
  const router = Router();
  /** By id, legal number or reference: lines with VAT, payment attempts and credit notes. */
  router.get('/:id', async (req, res) => {
    res.json(await getInvoice(deps, invoiceParams.parse(req.params).id));
  });
  router.get('/:id/pdf', async (req, res) => {
    sendFile(res, await invoiceFile(deps, invoiceParams.parse(req.params).id, 'pdf'));
  });
  router.get('/:id/ubl', async (req, res) => {
    sendFile(res, await invoiceFile(deps, invoiceParams.parse(req.params).id, 'ubl'));
  });
  return router;
}

export function creditNotesRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    const note = await findCreditNote(deps, creditNoteParams.parse(req.params).id);
    res.json(creditNoteView(note, note.invoice.number));
  });
  router.get('/:id/pdf', async (req, res) => {
    sendFile(res, await creditNoteFile(deps, creditNoteParams.parse(req.params).id, 'pdf'));
  });
  router.get('/:id/ubl', async (req, res) => {
    sendFile(res, await creditNoteFile(deps, creditNoteParams.parse(req.params).id, 'ubl'));
  });
  return router;
}
