// What the payment gateway reports after the fact, written to the books: refunds made in its
// dashboard get their credit note, chargebacks are recorded against the invoice and ops are told.
// Both run inside the subscription workflow, under its lock, so the engine's own refund (which
// writes its credit note with the gateway's refund id) is always recorded before its echo arrives.
import { log } from '@temporalio/activity';
import type { PaymentEvent } from '../domain/payment-events';
import { refundedOf } from '../domain/payments';
import type { ActivityDeps } from './deps';
import { writeCreditNote } from './credit-notes';
import { createEmailActivities } from './emails';
import { SERIES_TRANSACTION } from './number-series';

type Refunded = Extract<PaymentEvent, { kind: 'refunded' }>;
type Disputed = Extract<PaymentEvent, { kind: 'disputed' }>;

/** The address in a From: header such as `Billing <billing@example.com>`. */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

export function createPaymentEventActivities(deps: ActivityDeps) {
  const { prisma, gateway } = deps;
  const { queueEmail } = createEmailActivities(deps);

  /** The invoice a gateway charge paid. */
  async function paidInvoiceOf(chargeId: string) {
    const attempt = await prisma.paymentAttempt.findFirst({
      where: { gatewayChargeId: chargeId, outcome: 'succeeded' },
      include: { invoice: { include: { creditNotes: { where: { kind: 'refund' } }, creditPayouts: true, customer: true } } },
    });
    return attempt?.invoice ?? null;
  }

  return {
    /**
     * Refunds made at the gateway beyond those the books hold (one made in its dashboard): a credit
     * note for the difference between the charge's refunded total and its refund credit notes. The
     * engine's own refunds have their credit notes already, so their echo writes nothing; a late or
     * repeated event finds the difference settled.
     */
    async recordGatewayRefund(event: Refunded): Promise<{ creditNoteNumber: string | null }> {
      const invoice = await paidInvoiceOf(event.chargeId);
      if (!invoice) {
        log.warn('refund of a charge that paid no invoice here', { chargeId: event.chargeId, refundId: event.refundId });
        return { creditNoteNumber: null };
      }
      // The engine's own refunds: its credit notes, and the account credit it paid out.
      const credited = refundedOf(invoice);
      const refundedCents = Math.min(event.refundedCents, invoice.amountCents);
      if (event.refundedCents > invoice.amountCents) log.warn('the gateway refunded more than the invoice', { invoice: invoice.number, refundedCents: event.refundedCents });
      if (refundedCents <= credited) return { creditNoteNumber: null };
      // One key per running total: a repeated event meets the note it wrote.
      const idempotencyKey = `${gateway.name}-refund/${event.chargeId}/${refundedCents}`;
      const note = await prisma.$transaction(async (tx) => {
        const written = await tx.creditNote.findUnique({ where: { idempotencyKey } });
        if (written) return written;
        return writeCreditNote(tx, {
          idempotencyKey,
          invoice,
          kind: 'refund',
          amountCents: refundedCents - credited,
          reason: 'refund',
          at: event.at,
          gatewayRefundId: event.refundId,
        });
      }, SERIES_TRANSACTION);
      return { creditNoteNumber: note.number };
    },

    /** A chargeback: recorded once against the invoice it disputes, and one email to ops. */
    async recordDispute(event: Disputed): Promise<{ invoiceNumber: string | null }> {
      const invoice = await paidInvoiceOf(event.chargeId);
      if (!invoice) {
        log.warn('dispute on a charge that paid no invoice here', { chargeId: event.chargeId, disputeId: event.disputeId });
        return { invoiceNumber: null };
      }
      const dispute = {
        gateway: gateway.name,
        invoiceId: invoice.id,
        gatewayChargeId: event.chargeId,
        amountCents: event.amountCents,
        currency: event.currency,
        reason: event.reason,
        status: event.status,
        createdAt: new Date(event.at),
      };
      await prisma.dispute.upsert({ where: { id: event.disputeId }, create: { id: event.disputeId, ...dispute }, update: { status: event.status } });
      const to = deps.opsEmail ?? addressOf(deps.mailFrom);
      await queueEmail(
        {
          key: `${invoice.subscriptionId}/dispute_opened/${event.disputeId}`,
          to,
          customerName: 'billing operations',
          subscriptionId: invoice.subscriptionId,
          content: {
            template: 'dispute_opened',
            invoiceNumber: invoice.reference,
            disputeId: event.disputeId,
            amountCents: event.amountCents,
            currency: event.currency,
            reason: event.reason,
            customerEmail: invoice.customer.email,
          },
        },
        event.at,
      );
      return { invoiceNumber: invoice.number };
    },
  };
}
