// Finalizing invoices and closing unpaid ones. Each activity is idempotent: a retry after a crash
// at any point writes nothing twice.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { CreditEntryDraft } from '../domain/credit';
import type { InvoiceDraft } from '../domain/invoice';
import { invoiceDocument } from '../domain/invoice-document';
import type { InvoiceSummary } from '../domain/subscription';
import { invoiceCreated, invoiceEventKeys } from '../domain/webhooks';
import { DEMO_SELLER } from '../infra/seller';
import type { Invoice } from '../prisma/generated/client';
import { Prisma } from '../prisma/generated/client';
import { writeCreditEntries } from './credit-ledger';
import type { ActivityDeps } from './deps';
import { writeCreditNote } from './credit-notes';
import { SERIES_TRANSACTION, takeNumber } from './number-series';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import { invoiceRowPayload } from './webhook-payloads';

export interface IssueInvoiceInput {
  draft: InvoiceDraft;
  /** The account-credit entries the invoice makes (credit it uses, or a surplus it adds). */
  credit: CreditEntryDraft[];
}

export interface SetInvoiceStatusInput {
  /** The workflow's key of the invoice (its reference). */
  invoiceNumber: string;
  status: 'void' | 'uncollectible';
  at: string;
  /** Account credit given back with it (the credit a voided invoice had used). */
  credit: CreditEntryDraft[];
}

/** The invoice as its workflow knows it: by its own key (the reference), not the legal number. */
export function summarizeInvoice(invoice: Invoice, attempts: number): InvoiceSummary {
  return {
    number: invoice.reference,
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

function lineRows(draft: InvoiceDraft) {
  return draft.lines.map((line, position) => ({
    position,
    kind: line.kind,
    description: line.description,
    quantity: line.quantity,
    amountCents: line.amountCents,
    periodStart: line.periodStart ? new Date(line.periodStart) : null,
    periodEnd: line.periodEnd ? new Date(line.periodEnd) : null,
    itemName: line.itemName ?? null,
    taxCategory: line.taxed?.taxCategory ?? null,
    vatCategory: line.taxed?.vatCategory ?? null,
    taxRateBasisPoints: line.taxed?.rateBasisPoints ?? null,
    netCents: line.taxed?.netCents ?? null,
    taxCents: line.taxed?.taxCents ?? null,
  }));
}

export function createInvoiceActivities(deps: ActivityDeps) {
  const { prisma } = deps;
  const seller = deps.seller ?? DEMO_SELLER;

  /** Finalizes the draft: its legal number is taken from the series in the same transaction. */
  async function finalize(draft: InvoiceDraft, credit: CreditEntryDraft[]) {
    return prisma.$transaction(async (tx) => {
      const customer = await tx.customer.findUniqueOrThrow({ where: { id: draft.customerId } });
      const { sequence, number } = await takeNumber(tx, 'invoice');
      const document = invoiceDocument(draft, { number, seller, customer });
      const invoice = await tx.invoice.create({
        data: {
          reference: draft.number,
          number,
          sequence,
          dueDate: document.dueDate ? new Date(document.dueDate) : null,
          subscriptionId: draft.subscriptionId,
          customerId: draft.customerId,
          periodIndex: draft.periodIndex,
          billingReason: draft.billingReason,
          periodStart: new Date(draft.period.start),
          periodEnd: new Date(draft.period.end),
          currency: draft.currency,
          subtotalCents: draft.subtotalCents,
          netCents: draft.netCents,
          taxCents: draft.taxCents,
          amountCents: draft.amountCents,
          creditAppliedCents: document.creditAppliedCents,
          taxTreatment: draft.treatment,
          document: document as unknown as Prisma.InputJsonValue,
          status: 'open',
          createdAt: new Date(draft.issuedAt),
          lines: { create: lineRows(draft) },
        },
        include: { lines: true },
      });
      await writeCreditEntries(tx, { subscriptionId: draft.subscriptionId, customerId: draft.customerId, currency: draft.currency }, credit);
      return [invoice, await recordWebhookEvents(tx, [invoiceCreated(invoiceRowPayload(invoice), draft.issuedAt)])] as const;
    }, SERIES_TRANSACTION);
  }

  return {
    /**
     * Finalizes the invoice: its legal number, lines with VAT, the document it is sent as, its
     * account-credit entries and its webhook events, once; a repeat returns what was written (the
     * workflow checks it is what it drafted).
     */
    async issueInvoice({ draft, credit }: IssueInvoiceInput): Promise<InvoiceSummary> {
      // Almost always absent (a first attempt): asked in raw SQL, which costs a fraction of Prisma's compiled query.
      const [found] = await prisma.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Invoice" WHERE "reference" = ${draft.number}`;
      const existing = found ? await prisma.invoice.findUnique({ where: { id: found.id } }) : null;
      if (existing) {
        await publishWebhookEvents(deps, { deliveryIds: [], existingKeys: [invoiceEventKeys.created(draft.number)] });
        return summarizeInvoice(existing, await prisma.paymentAttempt.count({ where: { invoiceId: existing.id } }));
      }
      try {
        const [created, recorded] = await finalize(draft, credit);
        await publishWebhookEvents(deps, recorded);
        log.info('invoice issued', { number: created.number, amountCents: draft.amountCents, taxCents: draft.taxCents, currency: draft.currency, billingReason: draft.billingReason });
        return summarizeInvoice(created, 0);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const winner = await prisma.invoice.findUnique({ where: { reference: draft.number } });
        if (!winner) {
          // Another invoice already bills this period under a different key: a bug, not a blip.
          throw ApplicationFailure.nonRetryable(`period ${draft.periodIndex} of ${draft.subscriptionId} is already invoiced`, 'DuplicatePeriodInvoice');
        }
        return summarizeInvoice(winner, 0);
      }
    },

    /**
     * Voids or writes off an open invoice, with the credit it gives back; a paid invoice is never
     * changed. An issued invoice is never withdrawn silently: voiding it issues a credit note for
     * the whole of it, numbered in the credit-note series.
     */
    async setInvoiceStatus(input: SetInvoiceStatusInput): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const invoice = await tx.invoice.findUnique({ where: { reference: input.invoiceNumber } });
        if (!invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} does not exist`, 'UnknownInvoice');
        const { count } = await tx.invoice.updateMany({
          where: { id: invoice.id, status: 'open' },
          data: { status: input.status, updatedAt: new Date(input.at) },
        });
        // A retry finds it closed already (its entries are written once, by key).
        if (count > 0 || invoice.status === input.status) await writeCreditEntries(tx, invoice, input.credit);
        if (count > 0 && input.status === 'void' && invoice.document) {
          await writeCreditNote(tx, { idempotencyKey: `${invoice.reference}/void`, invoice, kind: 'void', amountCents: invoice.subtotalCents, reason: 'void', at: input.at });
        }
      }, SERIES_TRANSACTION);
    },
  };
}
