// Issuing and collecting invoices. Each activity is idempotent: a retry after a crash at any
// point writes nothing twice and charges nothing twice.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { InvoiceDraft } from '../domain/invoice';
import type { ChargeResult } from '../domain/payments';
import type { InvoiceSummary } from '../domain/subscription';
import { invoiceCreated, invoiceEventKeys, invoicePaid, invoicePaymentFailed } from '../domain/webhooks';
import type { Invoice } from '../prisma/generated/client';
import { Prisma } from '../prisma/generated/client';
import type { ActivityDeps } from './deps';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import { invoiceDraftPayload, invoiceRowPayload } from './webhook-payloads';

export interface ChargeInvoiceInput {
  invoiceNumber: string;
  attempt: number;
  idempotencyKey: string;
  paymentMethod: string;
  /** Business time of the attempt (workflow time). */
  at: string;
}

export interface SetInvoiceStatusInput {
  invoiceNumber: string;
  status: 'void' | 'uncollectible';
  at: string;
}

export interface RefundInvoiceInput {
  invoiceNumber: string;
  amountCents: number;
  idempotencyKey: string;
  at: string;
}

export function summarizeInvoice(invoice: Invoice, attempts: number): InvoiceSummary {
  return {
    number: invoice.number,
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    status: invoice.status === 'draft' ? 'open' : invoice.status,
    periodIndex: invoice.periodIndex,
    billingReason: invoice.billingReason,
    attempts,
    paidAt: invoice.paidAt?.toISOString() ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export function createInvoiceActivities(deps: ActivityDeps) {
  const { prisma, gateway } = deps;
  return {
    /** Writes the invoice and its lines (and its webhook events) once; a repeat returns what was written. */
    async issueInvoice(draft: InvoiceDraft): Promise<InvoiceSummary> {
      const existing = await prisma.invoice.findUnique({ where: { number: draft.number } });
      if (existing) {
        await publishWebhookEvents(deps, { deliveryIds: [], existingKeys: [invoiceEventKeys.created(draft.number)] });
        return summarizeInvoice(existing, await prisma.paymentAttempt.count({ where: { invoiceId: existing.id } }));
      }
      try {
        const [created, recorded] = await prisma.$transaction(async (tx) => {
          const invoice = await tx.invoice.create({
            data: {
              number: draft.number,
              subscriptionId: draft.subscriptionId,
              customerId: draft.customerId,
              periodIndex: draft.periodIndex,
              billingReason: draft.billingReason,
              periodStart: new Date(draft.period.start),
              periodEnd: new Date(draft.period.end),
              currency: draft.currency,
              subtotalCents: draft.subtotalCents,
              amountCents: draft.amountCents,
              status: 'open',
              createdAt: new Date(draft.issuedAt),
              lines: {
                create: draft.lines.map((line, position) => ({
                  position,
                  kind: line.kind,
                  description: line.description,
                  quantity: line.quantity,
                  amountCents: line.amountCents,
                  periodStart: line.periodStart ? new Date(line.periodStart) : null,
                  periodEnd: line.periodEnd ? new Date(line.periodEnd) : null,
                })),
              },
            },
          });
          return [invoice, await recordWebhookEvents(tx, [invoiceCreated(invoiceDraftPayload(draft), draft.issuedAt)])] as const;
        });
        await publishWebhookEvents(deps, recorded);
        log.info('invoice issued', { amountCents: draft.amountCents, currency: draft.currency, billingReason: draft.billingReason });
        return summarizeInvoice(created, 0);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const winner = await prisma.invoice.findUnique({ where: { number: draft.number } });
        if (!winner) {
          // Another invoice already bills this period under a different number: a bug, not a blip.
          throw ApplicationFailure.nonRetryable(
            `period ${draft.periodIndex} of ${draft.subscriptionId} is already invoiced`,
            'DuplicatePeriodInvoice',
          );
        }
        return summarizeInvoice(winner, 0);
      }
    },

    /** Voids or writes off an open invoice; a paid invoice is never changed. */
    async setInvoiceStatus(input: SetInvoiceStatusInput): Promise<void> {
      await prisma.invoice.updateMany({
        where: { number: input.invoiceNumber, status: 'open' },
        data: { status: input.status, updatedAt: new Date(input.at) },
      });
    },

    /** Refunds part of a paid invoice's charge once, with a credit note. Capped at what was paid. */
    async refundInvoice(input: RefundInvoiceInput): Promise<{ creditNoteId: string; amountCents: number }> {
      const existing = await prisma.creditNote.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return { creditNoteId: existing.id, amountCents: existing.amountCents };
      const invoice = await prisma.invoice.findUnique({
        where: { number: input.invoiceNumber },
        include: { attempts: { where: { outcome: 'succeeded' } }, creditNotes: true },
      });
      const paidCharge = invoice?.attempts[0];
      if (!invoice || invoice.status !== 'paid' || !paidCharge?.gatewayChargeId) {
        throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} has no payment to refund`, 'NothingToRefund');
      }
      const alreadyRefunded = invoice.creditNotes.reduce((sum, note) => sum + note.amountCents, 0);
      const amountCents = Math.min(input.amountCents, invoice.amountCents - alreadyRefunded);
      if (amountCents <= 0) return { creditNoteId: '', amountCents: 0 };
      const { refundId } = await gateway.refund({
        idempotencyKey: input.idempotencyKey,
        chargeId: paidCharge.gatewayChargeId,
        amountCents,
        currency: invoice.currency,
        at: input.at,
      });
      const note = await prisma.creditNote.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: {
          idempotencyKey: input.idempotencyKey,
          invoiceId: invoice.id,
          amountCents,
          currency: invoice.currency,
          reason: 'cancellation',
          gatewayRefundId: refundId,
          createdAt: new Date(input.at),
        },
        update: {},
      });
      return { creditNoteId: note.id, amountCents: note.amountCents };
    },

    /** One charge attempt on an invoice, under the attempt's idempotency key. */
    async chargeInvoice(input: ChargeInvoiceInput): Promise<ChargeResult> {
      const invoice = await prisma.invoice.findUnique({ where: { number: input.invoiceNumber }, include: { lines: true } });
      if (!invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} does not exist`, 'UnknownInvoice');

      await prisma.paymentAttempt.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: {
          idempotencyKey: input.idempotencyKey,
          invoiceId: invoice.id,
          attempt: input.attempt,
          amountCents: invoice.amountCents,
          currency: invoice.currency,
          paymentMethod: input.paymentMethod,
          outcome: 'pending',
          createdAt: new Date(input.at),
        },
        update: {},
      });

      const result =
        invoice.amountCents === 0
          ? ({ outcome: 'succeeded', chargeId: `free_${input.idempotencyKey}` } as const)
          : await gateway.charge({
              idempotencyKey: input.idempotencyKey,
              amountCents: invoice.amountCents,
              currency: invoice.currency,
              paymentMethod: input.paymentMethod,
              reference: invoice.number,
              at: input.at,
            });

      const completedAt = new Date(input.at);
      const recorded = await prisma.$transaction(async (tx) => {
        await tx.paymentAttempt.update({
          where: { idempotencyKey: input.idempotencyKey },
          data: {
            outcome: result.outcome,
            gatewayChargeId: result.chargeId,
            declineCode: result.outcome === 'declined' ? result.declineCode : null,
            declineType: result.outcome === 'declined' ? result.declineType : null,
            completedAt,
          },
        });
        if (result.outcome === 'declined') {
          const { declineCode, declineType, message } = result;
          const payment = { attempt: input.attempt, declineCode, declineType, message };
          return recordWebhookEvents(tx, [invoicePaymentFailed(invoiceRowPayload(invoice), input.idempotencyKey, payment, input.at)]);
        }
        const paid = await tx.invoice.updateMany({ where: { id: invoice.id, status: 'open' }, data: { status: 'paid', paidAt: completedAt } });
        // Already paid: a retried attempt, whose event was recorded with the payment.
        if (paid.count === 0) return { deliveryIds: [], existingKeys: [invoiceEventKeys.paid(invoice.number)] };
        return recordWebhookEvents(tx, [invoicePaid(invoiceRowPayload({ ...invoice, status: 'paid', paidAt: completedAt }), input.at)]);
      });
      await publishWebhookEvents(deps, recorded);
      // subscriptionId, workflowId and invoiceNumber come from the worker's activity log context.
      const declined = result.outcome === 'declined' ? { declineCode: result.declineCode, declineType: result.declineType } : {};
      const { amountCents, currency } = invoice;
      log.info(`charge ${result.outcome}`, { attempt: input.attempt, amountCents, currency, paymentMethod: input.paymentMethod, ...declined });
      return result;
    },
  };
}
