// One invoice with everything about its money: lines, payment attempts and credit notes (refunds).
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { invoiceSummary } from './views';
import { isoOrNull, invoiceLineJson } from '../../infra/row-json';

/** By id or by number (INV-…). */
export async function getInvoice({ prisma }: ApiDeps, idOrNumber: string) {
  const invoice = await prisma.invoice.findFirst({
    where: { OR: [{ id: idOrNumber }, { number: idOrNumber }] },
    include: {
      lines: { orderBy: { position: 'asc' } },
      attempts: { orderBy: { attempt: 'asc' } },
      creditNotes: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!invoice) throw notFound(`invoice ${idOrNumber} does not exist`);
  const refundedCents = invoice.creditNotes.reduce((sum, note) => sum + note.amountCents, 0);
  return {
    ...invoiceSummary(invoice),
    lines: invoice.lines.map((line) => ({ position: line.position, ...invoiceLineJson(line) })),
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
    creditNotes: invoice.creditNotes.map((note) => ({
      id: note.id,
      amountCents: note.amountCents,
      currency: note.currency,
      reason: note.reason,
      createdAt: note.createdAt.toISOString(),
    })),
    refundedCents,
  };
}
