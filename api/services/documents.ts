// An invoice's or credit note's PDF and EHF (UBL) documents, as stored once.
import type { InvoiceDocument } from '../../domain/tax/types';
import type { DocumentFormat, StoredDocument } from '../../infra/document-store';
import { creditNoteOwnerKey, hasEhf, invoiceFile as storedInvoiceFile, storedDocument } from '../../infra/document-store';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { findInvoice } from './invoices';

function checkedFormat(document: InvoiceDocument, format: DocumentFormat, what: string): void {
  if (format === 'ubl' && !hasEhf(document)) {
    throw notFound(`${what} has no EHF document: EHF is for business customers with an organisation number or VAT id (the PDF is at …/pdf)`);
  }
}

export async function invoiceFile(deps: ApiDeps, key: string, format: DocumentFormat): Promise<StoredDocument> {
  const invoice = await findInvoice(deps, key);
  if (!invoice.document) throw notFound(`invoice ${invoice.number} was issued before documents existed and has none`);
  const document = invoice.document as unknown as InvoiceDocument;
  checkedFormat(document, format, `invoice ${invoice.number}`);
  return storedInvoiceFile(deps.prisma, invoice, format);
}

export async function findCreditNote({ prisma }: ApiDeps, key: string) {
  const note = await prisma.creditNote.findFirst({ where: { OR: [{ id: key }, { number: key }] }, include: { invoice: { select: { number: true } } } });
  if (!note) throw notFound(`credit note ${key} does not exist`);
  return note;
}

export async function creditNoteFile(deps: ApiDeps, key: string, format: DocumentFormat): Promise<StoredDocument> {
  const note = await findCreditNote(deps, key);
  if (!note.document) throw notFound(`credit note ${note.number} has no document`);
  const document = note.document as unknown as InvoiceDocument;
  checkedFormat(document, format, `credit note ${note.number}`);
  return storedDocument(deps.prisma, creditNoteOwnerKey(note.id), document, format);
}
