// Issuing invoices and closing unpaid ones. Each activity is idempotent: a retry after a crash at
// any point writes nothing twice.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { CreditEntryDraft } from '../domain/credit';
import type { InvoiceDraft } from '../domain/invoice';
import type { InvoiceSummary } from '../domain/subscription';
import { invoiceCreated, invoiceEventKeys } from '../domain/webhooks';
import type { Invoice } from '../prisma/generated/client';
import { Prisma } from '../prisma/generated/client';
import { writeCreditEntries } from './credit-ledger';
import type { ActivityDeps } from './deps';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import { invoiceDraftPayload } from './webhook-payloads';

export interface IssueInvoiceInput {
  draft: InvoiceDraft;
  /** The account-credit entries the invoice makes (credit it uses, or a surplus it adds). */
  credit: CreditEntryDraft[];
}

export interface SetInvoiceStatusInput {
  invoiceNumber: string;
  status: 'void' | 'uncollectible';
  at: string;
  /** Account credit given back with it (the credit a voided invoice had used). */
  credit: CreditEntryDraft[];
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
  const { prisma } = deps;
  return {
    /**
     * Writes the invoice, its lines, its account-credit entries and its webhook events once; a
     * repeat returns what was written (the workflow checks it is what it drafted).
     */
    async issueInvoice({ draft, credit }: IssueInvoiceInput): Promise<InvoiceSummary> {
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
          await writeCreditEntries(tx, { subscriptionId: draft.subscriptionId, customerId: draft.customerId, currency: draft.currency }, credit);
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
          throw ApplicationFailure.nonRetryable(`period ${draft.periodIndex} of ${draft.subscriptionId} is already invoiced`, 'DuplicatePeriodInvoice');
        }
        return summarizeInvoice(winner, 0);
      }
    },

    /** Voids or writes off an open invoice, with the credit it gives back; a paid invoice is never changed. */
    async setInvoiceStatus(input: SetInvoiceStatusInput): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const invoice = await tx.invoice.findUnique({ where: { number: input.invoiceNumber } });
        if (!invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} does not exist`, 'UnknownInvoice');
        const { count } = await tx.invoice.updateMany({
          where: { id: invoice.id, status: 'open' },
          data: { status: input.status, updatedAt: new Date(input.at) },
        });
        // A retry finds it closed already (its entries are written once, by key).
        if (count > 0 || invoice.status === input.status) await writeCreditEntries(tx, invoice, input.credit);
      });
    },
  };
}
