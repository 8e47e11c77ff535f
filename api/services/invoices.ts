// One invoice with everything about its money: lines with VAT, payment attempts and credit notes.
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { invoiceSummary } from './views';
import { isoOrNull, invoiceLineJson } from '../../infra/row-json';
import type { CreditNote } from '../../prisma/generated/client';
import type { VatSummaryRow } from '../../domain/tax/types';
import { refundedOf } from '../../domain/payments';

const byKey = (key: string) => ({ OR: [{ id: key }, { number: key }, { reference: key }] });

/** An invoice by its id, its legal number or its reference (INV-…). */
export async function findInvoice({ prisma }: ApiDeps, key: string) {
  const invoice = await prisma.invoice.findFirst({ where: byKey(key) });
  if (!invoice) throw notFound(`invoice ${key} does not exist`);
  return invoice;
}

export function creditNoteView(note: CreditNote, invoiceNumber: string) {
  return {
    id: note.id,
    number: note.number,
    invoiceId: note.invoiceId,
    invoiceNumber,
    kind: note.kind === 'void' ? ('void' as const) : ('refund' as const),
    amountCents: note.amountCents,
    netCents: note.netCents,
    taxCents: note.taxCents,
    currency: note.currency,
    reason: note.reason,
    createdAt: note.createdAt.toISOString(),
  };
}

export async function getInvoice(deps: ApiDeps, key: string) {
  const invoice = await deps.prisma.invoice.findFirst({
    where: byKey(key),
    include: {
      lines: { orderBy: { position: 'asc' } },
      attempts: { orderBy: { attempt: 'asc' } },
      creditNotes: { orderBy: [{ sequence: 'asc' }] },
      creditPayouts: { select: { amountCents: true } },
    },
  });
  if (!invoice) throw notFound(`invoice ${key} does not exist`);
  const refundedCents = refundedOf({ creditNotes: invoice.creditNotes.filter((note) => note.kind === 'refund'), creditPayouts: invoice.creditPayouts });
  const document = invoice.document as { vatSummary?: VatSummaryRow[] } | null;
  return {
    ...invoiceSummary(invoice),
    lines: invoice.lines.map((line) => ({ position: line.position, ...invoiceLineJson(line) })),
    vatSummary: document?.vatSummary ?? [],
    paymentAttempts: invoice.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      amountCents: attempt.amountCents,
      currency: attempt.currency,
      paymentMethod: attempt.paymentMethod,
      outcome: attempt.outcome,
      declineCode: attempt.declineCode,
      declineType: attempt.declineType,
      createdAt: attempt.createdAt.toISOString(),
      completedAt: isoOrNull(attempt.completedAt),
    })),
    creditNotes: invoice.creditNotes.map((note) => creditNoteView(note, invoice.number)),
    refundedCents,
  };
}
