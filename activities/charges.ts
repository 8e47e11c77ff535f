// Charging invoices and refunding charges. Each activity is idempotent: a retry after a crash at
// any point charges nothing twice, and the database refuses what must never happen (a second
// successful charge of one invoice, a charge of a closed invoice).
import { ApplicationFailure, log } from '@temporalio/activity';
import type { ChargeResult } from '../domain/payments';
import { refundedOf } from '../domain/payments';
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { writeCreditNote } from './credit-notes';
import { SERIES_TRANSACTION } from './number-series';
import { invoiceEventKeys, invoicePaid, invoicePaymentFailed } from '../domain/webhooks';
import type { ActivityDeps } from './deps';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import { invoiceRowPayload } from './webhook-payloads';

export interface ChargeInvoiceInput {
  invoiceNumber: string;
  attempt: number;
  idempotencyKey: string;
  paymentMethod: string;
  /** What the workflow expects to charge: the invoice must say the same. */
  amountCents: number;
  currency: string;
  /** The billing period this invoice becomes the invoice of once paid (a change that starts a period). */
  claimsPeriodIndex: number | null;
  /** Business time of the attempt (workflow time). */
  at: string;
}

export interface ResolveChargeInput {
  invoiceNumber: string;
  idempotencyKey: string;
  chargeId: string;
  /** End it now (deadline, or a command that must not meet it): the gateway's cancel, not only its word. */
  cancel: boolean;
  /** The billing period this invoice becomes the invoice of once paid. */
  claimsPeriodIndex: number | null;
  /** Business time of the question. */
  at: string;
}

export interface RefundInvoiceInput {
  invoiceNumber: string;
  amountCents: number;
  idempotencyKey: string;
  /** The billing period whose unused time it gives back. */
  periodIndex: number;
  at: string;
}

export function createChargeActivities(deps: ActivityDeps) {
  const { prisma, gateway } = deps;
  return {
    /**
     * One charge attempt on an open invoice, under the attempt's idempotency key. A retried
     * attempt replays its recorded outcome; a void, written-off or already paid invoice is never
     * charged.
     */
    async chargeInvoice(input: ChargeInvoiceInput): Promise<ChargeResult> {
      // Both reads at once: every charge, a sign-up's first among them, pays for them. The attempt's
      // row is read and written in raw SQL, as its outcome is: one charge per renewal makes these
      // among the hottest statements, and Prisma's compiler costs more than PostgreSQL.
      const [invoice, [attempt]] = await Promise.all([
        prisma.invoice.findUnique({ where: { reference: input.invoiceNumber }, include: { lines: true, customer: true } }),
        prisma.$queryRaw<Array<{ paidInvoiceId: string | null; gatewayChargeId: string | null }>>`
          SELECT "paidInvoiceId", "gatewayChargeId" FROM "PaymentAttempt" WHERE "idempotencyKey" = ${input.idempotencyKey}`,
      ]);
      if (!invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} does not exist`, 'UnknownInvoice');
      if (invoice.amountCents !== input.amountCents || invoice.currency !== input.currency) {
        throw ApplicationFailure.nonRetryable(
          `invoice ${invoice.number} is for ${invoice.amountCents} ${invoice.currency}, not the ${input.amountCents} ${input.currency} asked`,
          'InvoiceAmountMismatch',
        );
      }
      if (invoice.status === 'paid' && attempt?.paidInvoiceId === invoice.id && attempt.gatewayChargeId) {
        // This very attempt paid it: a retry after its answer was lost.
        return { outcome: 'succeeded', chargeId: attempt.gatewayChargeId };
      }
      if (invoice.status !== 'open') {
        throw ApplicationFailure.nonRetryable(`invoice ${invoice.number} is ${invoice.status}: it is not charged`, invoice.status === 'paid' ? 'InvoiceAlreadyPaid' : 'InvoiceNotCollectible');
      }

      await prisma.$executeRaw`
        INSERT INTO "PaymentAttempt" ("id", "idempotencyKey", "invoiceId", "attempt", "amountCents", "currency", "paymentMethod", "outcome", "gateway", "createdAt")
        VALUES (${randomUUID()}, ${input.idempotencyKey}, ${invoice.id}, ${input.attempt}, ${invoice.amountCents}, ${invoice.currency}, ${input.paymentMethod},
          'pending'::"PaymentOutcome", ${gateway.name}, ${new Date(input.at)})
        ON CONFLICT ("idempotencyKey") DO NOTHING`;

      const result =
        invoice.amountCents === 0
          ? ({ outcome: 'succeeded', chargeId: `free_${input.idempotencyKey}` } as const)
          : await gateway.charge({
              idempotencyKey: input.idempotencyKey,
              amountCents: invoice.amountCents,
              currency: invoice.currency,
              paymentMethod: input.paymentMethod,
              reference: invoice.reference,
              invoiceNumber: invoice.number,
              subscriptionId: invoice.subscriptionId,
              customer: { id: invoice.customer.id, email: invoice.customer.email, name: invoice.customer.name },
              at: input.at,
              // The row predates this call: an earlier call under the key may have reached the gateway.
              repeated: attempt !== undefined,
            });
      return recordChargeOutcome(deps, invoice, input, result);
    },

    /**
     * Where a pending charge stands now (a webhook said it moved), or, with `cancel`, its end: at
     * its deadline, or before a command that must not meet a payment in flight. The outcome is the
     * gateway's, recorded as a direct charge's is; a repeated call records nothing twice.
     */
    async resolveCharge(input: ResolveChargeInput): Promise<ChargeResult> {
      const invoice = await prisma.invoice.findUnique({ where: { reference: input.invoiceNumber }, include: { lines: true } });
      if (!invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} does not exist`, 'UnknownInvoice');
      const attempt = await prisma.paymentAttempt.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (!attempt) throw ApplicationFailure.nonRetryable(`no charge was attempted under ${input.idempotencyKey}`, 'UnknownCharge');
      // Asked again after it ended (a repeated event, a retried activity): the gateway answers as
      // before, and recording it again changes nothing.
      const ref = { chargeId: input.chargeId, idempotencyKey: input.idempotencyKey, at: input.at };
      const result = input.cancel ? await gateway.cancelCharge(ref) : await gateway.chargeStatus(ref);
      return recordChargeOutcome(deps, invoice, { ...input, attempt: attempt.attempt, paymentMethod: attempt.paymentMethod }, result);
    },

    /**
     * Refunds part of a paid invoice's charge once, with a credit note; never more than its charge
     * net of earlier refunds (credit notes, and account credit paid out: activities/credit-payouts.ts).
     */
    async refundInvoice(input: RefundInvoiceInput): Promise<{ creditNoteId: string; amountCents: number }> {
      const existing = await prisma.creditNote.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return { creditNoteId: existing.id, amountCents: existing.amountCents };
      const invoice = await prisma.invoice.findUnique({
        where: { reference: input.invoiceNumber },
        include: { attempts: { where: { outcome: 'succeeded' } }, creditNotes: { where: { kind: 'refund' } }, creditPayouts: true },
      });
      const paidCharge = invoice?.attempts[0];
      if (!invoice || invoice.status !== 'paid' || !paidCharge?.gatewayChargeId) {
        throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} has no payment to refund`, 'NothingToRefund');
      }
      const amountCents = Math.min(input.amountCents, invoice.amountCents - refundedOf(invoice));
      if (amountCents <= 0) return { creditNoteId: '', amountCents: 0 };
      const { refundId } = await gateway.refund({
        idempotencyKey: input.idempotencyKey,
        chargeId: paidCharge.gatewayChargeId,
        amountCents,
        currency: invoice.currency,
        at: input.at,
      });
      const note = await prisma.$transaction(async (tx) => {
        const written = await tx.creditNote.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (written) return written;
        return writeCreditNote(tx, {
          idempotencyKey: input.idempotencyKey,
          invoice,
          kind: 'refund',
          amountCents,
          reason: 'cancellation',
          at: input.at,
          gatewayRefundId: refundId,
          periodIndex: input.periodIndex,
        });
      }, SERIES_TRANSACTION);
      return { creditNoteId: note.id, amountCents: note.amountCents };
    },
  };
}

type InvoiceRow = Prisma.InvoiceGetPayload<{ include: { lines: true } }>;

type AttemptChange =
  | { gatewayChargeId: string; pendingReason: string; actionUrl: string | null }
  | {
      outcome: 'succeeded' | 'declined';
      gatewayChargeId: string;
      declineCode: string | null;
      declineType: string | null;
      pendingReason: null;
      paidInvoiceId: string | null;
      completedAt: Date;
    };

/** Writes what the gateway answered onto the attempt's row, which must exist (the charge wrote it first). */
async function updateAttempt(db: Pick<PrismaClient, '$executeRaw'>, idempotencyKey: string, change: AttemptChange): Promise<void> {
  const count =
    'outcome' in change
      ? await db.$executeRaw`
          UPDATE "PaymentAttempt" SET "outcome" = ${change.outcome}::"PaymentOutcome", "gatewayChargeId" = ${change.gatewayChargeId},
            "declineCode" = ${change.declineCode}, "declineType" = ${change.declineType}, "pendingReason" = NULL,
            "paidInvoiceId" = ${change.paidInvoiceId}, "completedAt" = ${change.completedAt}
          WHERE "idempotencyKey" = ${idempotencyKey}`
      : await db.$executeRaw`
          UPDATE "PaymentAttempt" SET "gatewayChargeId" = ${change.gatewayChargeId}, "pendingReason" = ${change.pendingReason}, "actionUrl" = ${change.actionUrl}
          WHERE "idempotencyKey" = ${idempotencyKey}`;
  if (count === 0) throw new Error(`no payment attempt under ${idempotencyKey} to record the gateway's answer on`);
}

interface OutcomeContext {
  idempotencyKey: string;
  attempt: number;
  paymentMethod: string;
  claimsPeriodIndex: number | null;
  at: string;
}

/**
 * Writes what the gateway answered: a pending attempt keeps waiting (with why and where the
 * customer acts); a final one completes the attempt, and a success pays the invoice, once.
 */
async function recordChargeOutcome(deps: ActivityDeps, invoice: InvoiceRow, input: OutcomeContext, result: ChargeResult): Promise<ChargeResult> {
  const { prisma } = deps;
  if (result.outcome === 'pending') {
    await updateAttempt(prisma, input.idempotencyKey, { gatewayChargeId: result.chargeId, pendingReason: result.reason, actionUrl: result.actionUrl });
    log.info('charge pending', { attempt: input.attempt, reason: result.reason, chargeId: result.chargeId });
    return result;
  }
  const completedAt = new Date(input.at);
  const recorded = await prisma.$transaction(async (tx) => {
    const succeeded = result.outcome === 'succeeded';
    // paidInvoiceId is unique: a second successful charge of the invoice fails here, loudly.
    await updateAttempt(tx, input.idempotencyKey, {
      outcome: result.outcome,
      gatewayChargeId: result.chargeId,
      declineCode: result.outcome === 'declined' ? result.declineCode : null,
      declineType: result.outcome === 'declined' ? result.declineType : null,
      pendingReason: null,
      paidInvoiceId: succeeded ? invoice.id : null,
      completedAt,
    });
    if (result.outcome === 'declined') {
      const { declineCode, declineType, message } = result;
      const payment = { attempt: input.attempt, declineCode, declineType, message };
      return recordWebhookEvents(tx, [invoicePaymentFailed(invoiceRowPayload(invoice), input.idempotencyKey, payment, input.at)]);
    }
    const paid = await tx.$executeRaw`
      UPDATE "Invoice" SET "status" = 'paid'::"InvoiceStatus", "paidAt" = ${completedAt}, "updatedAt" = ${new Date()},
        "periodIndex" = COALESCE(${input.claimsPeriodIndex}::integer, "periodIndex")
      WHERE "id" = ${invoice.id} AND "status" = 'open'::"InvoiceStatus"`;
    // Already paid: a retried attempt, whose event was recorded with the payment.
    if (paid === 0) return { deliveryIds: [], existingKeys: [invoiceEventKeys.paid(invoice.reference)] };
    return recordWebhookEvents(tx, [invoicePaid(invoiceRowPayload({ ...invoice, status: 'paid', paidAt: completedAt }), input.at)]);
  });
  await publishWebhookEvents(deps, recorded);
  // subscriptionId, workflowId and invoiceNumber come from the worker's activity log context.
  const declined = result.outcome === 'declined' ? { declineCode: result.declineCode, declineType: result.declineType } : {};
  const { amountCents, currency } = invoice;
  log.info(`charge ${result.outcome}`, { attempt: input.attempt, amountCents, currency, paymentMethod: input.paymentMethod, ...declined });
  return result;
}
