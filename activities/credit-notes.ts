// Writing a credit note: numbered in the credit-note series inside the caller's transaction, with
// the document that takes back the corrected invoice's VAT (domain/invoice-document.ts).
import { creditNoteDocument } from '../domain/invoice-document';
import type { InvoiceDocument } from '../domain/tax/types';
import type { CreditNote, Invoice, Prisma } from '../prisma/generated/client';
import { takeNumber } from './number-series';

export interface CreditNoteWrite {
  idempotencyKey: string;
  invoice: Invoice;
  kind: 'refund' | 'void';
  /** Gross, VAT included. */
  amountCents: number;
  reason: string;
  at: string;
  gatewayRefundId?: string | null;
  periodIndex?: number | null;
}

/** Invoices finalized before documents existed get a credit note without one (and no VAT split). */
export async function writeCreditNote(tx: Prisma.TransactionClient, note: CreditNoteWrite): Promise<CreditNote> {
  const { invoice, amountCents } = note;
  const { sequence, number } = await takeNumber(tx, 'credit_note');
  const document = invoice.document
    ? creditNoteDocument(invoice.document as unknown as InvoiceDocument, { number, issuedAt: note.at, amountCents, kind: note.kind })
    : null;
  return tx.creditNote.create({
    data: {
      idempotencyKey: note.idempotencyKey,
      number,
      sequence,
      invoiceId: invoice.id,
      kind: note.kind,
      amountCents,
      netCents: document?.netCents ?? amountCents,
      taxCents: document?.taxCents ?? 0,
      currency: invoice.currency,
      ...(document ? { document: document as unknown as Prisma.InputJsonValue } : {}),
      reason: note.reason,
      gatewayRefundId: note.gatewayRefundId ?? null,
      periodIndex: note.periodIndex ?? null,
      createdAt: new Date(note.at),
    },
  });
}
