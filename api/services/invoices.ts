// One invoice with everything about its money: lines, payment attempts and credit notes (refunds).
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { invoiceSummary } from './views';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

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
    lines: invoice.lines.map((line) => ({
      position: line.position,
      kind: line.kind,
      description: line.description,
      quantity: line.quantity,
      amountCents: line.amountCents,
      periodStart: iso(line.periodStart),
      periodEnd: iso(line.periodEnd),
    })),
    paymentAttempts: invoice.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      amountCents: attempt.amountCents,
      currency: attempt.currency,
      paymentMethod: attempt.paymentMethod,
      outcome: attempt.outcome,
      declineCode: attempt.declineCode,
      declineType: attempt.declineType,
      createdAt: attempt.createdAt.toISOString(),
      completedAt: iso(attempt.completedAt),
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
