// Rendered invoices and credit notes, stored once: the first request (the API, or the receipt
// email) renders from the document frozen at finalization and stores the bytes; later ones read
// them. Rendering is deterministic, so two first requests racing store the same bytes.
import { renderInvoicePdf } from '../documents/invoice-pdf';
import { renderUbl } from '../documents/ubl';
import type { InvoiceDocument } from '../domain/tax/types';
import type { PrismaClient } from '../prisma/generated/client';

export type DocumentFormat = 'pdf' | 'ubl';

export interface StoredDocument {
  content: Buffer;
  contentType: string;
  fileName: string;
}

const CONTENT_TYPES: Record<DocumentFormat, string> = { pdf: 'application/pdf', ubl: 'application/xml; charset=utf-8' };

/** EHF goes to businesses identified by an organisation number or a VAT id; consumers get the PDF. */
export function hasEhf(document: InvoiceDocument): boolean {
  return document.buyer.kind === 'business' && Boolean(document.buyer.organizationNumber || document.buyer.vatId);
}

function fileName(document: InvoiceDocument, format: DocumentFormat): string {
  const stem = `${document.kind === 'invoice' ? 'invoice' : 'credit-note'}-${document.number}`;
  return `${stem}.${format === 'pdf' ? 'pdf' : 'xml'}`;
}

async function render(document: InvoiceDocument, format: DocumentFormat): Promise<Buffer> {
  return format === 'pdf' ? renderInvoicePdf(document) : Buffer.from(renderUbl(document), 'utf8');
}

export async function storedDocument(prisma: PrismaClient, ownerKey: string, document: InvoiceDocument, format: DocumentFormat): Promise<StoredDocument> {
  const name = fileName(document, format);
  const existing = await prisma.documentFile.findUnique({ where: { ownerKey_format: { ownerKey, format } } });
  if (existing) return { content: Buffer.from(existing.content), contentType: existing.contentType, fileName: name };
  const content = await render(document, format);
  const [inserted] = await prisma.documentFile.createManyAndReturn({
    data: [{ ownerKey, format, contentType: CONTENT_TYPES[format], content: new Uint8Array(content) }],
    skipDuplicates: true,
    select: { ownerKey: true },
  });
  if (inserted) return { content, contentType: CONTENT_TYPES[format], fileName: name };
  // A racing first request stored it meanwhile: the stored bytes are the answer from now on.
  const stored = await prisma.documentFile.findUniqueOrThrow({ where: { ownerKey_format: { ownerKey, format } } });
  return { content: Buffer.from(stored.content), contentType: stored.contentType, fileName: name };
}

/**
 * An invoice's document as it stands: paid by card, it says so instead of asking for a transfer.
 * Stored once it can no longer change (paid, void, written off); an open invoice is rendered per
 * request, so the stored file is never one that still asks to be paid after the card was charged.
 */
export async function invoiceFile(
  prisma: PrismaClient,
  invoice: { id: string; status: string; paidAt: Date | null; document: unknown },
  format: DocumentFormat,
): Promise<StoredDocument> {
  const document: InvoiceDocument = { ...(invoice.document as InvoiceDocument), paidAt: invoice.paidAt?.toISOString() ?? null };
  if (invoice.status !== 'open') return storedDocument(prisma, invoiceOwnerKey(invoice.id), document, format);
  return { content: await render(document, format), contentType: CONTENT_TYPES[format], fileName: fileName(document, format) };
}

export const invoiceOwnerKey = (invoiceId: string) => `invoice/${invoiceId}`;
export const creditNoteOwnerKey = (creditNoteId: string) => `credit_note/${creditNoteId}`;
