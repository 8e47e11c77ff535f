// The document a finalized invoice or credit note is: the invoice's draft with the seller's and
// buyer's profiles of that moment, its legal number and due date. Renderers (PDF, EHF) read only
// this, so what a customer is sent never changes after finalization.
import type { InvoiceDraft } from './invoice';
import { creditApplied } from './invoice';
import { allocateProportionally } from './tax/allocation';
import { taxInGross } from './tax/rounding';
import { vatSummary } from './tax/vat-summary';
import type { BillingProfile, DocumentLanguage, DocumentLine, InvoiceDocument, SellerProfile } from './tax/types';

const DAY_MS = 86_400_000;

export interface Finalization {
  number: string;
  seller: SellerProfile;
  customer: { email: string; name: string | null };
}

/** Without a billing profile the buyer is a consumer known by name (or email), in the seller's country. */
function buyerOf(draft: InvoiceDraft, finalization: Finalization): BillingProfile & { email: string } {
  const { customer, seller } = finalization;
  const profile: BillingProfile = draft.buyer ?? {
    legalName: customer.name ?? customer.email,
    kind: 'consumer',
    address: { lines: [], postalCode: '', city: '', country: seller.address.country },
    version: 0,
  };
  return { ...profile, email: customer.email };
}

export function invoiceDocument(draft: InvoiceDraft, finalization: Finalization): InvoiceDocument {
  const { seller } = finalization;
  const buyer = buyerOf(draft, finalization);
  const creditAppliedCents = creditApplied(draft);
  const lines: DocumentLine[] = draft.lines.flatMap((line) =>
    line.taxed
      ? [
          {
            kind: line.kind,
            description: line.description,
            itemName: line.itemName ?? null,
            quantity: line.quantity,
            periodStart: line.periodStart ?? null,
            periodEnd: line.periodEnd ?? null,
            taxCategory: line.taxed.taxCategory,
            tax: {
              rateBasisPoints: line.taxed.rateBasisPoints,
              vatCategory: line.taxed.vatCategory,
              netCents: line.taxed.netCents,
              taxCents: line.taxed.taxCents,
              grossCents: line.amountCents,
            },
          },
        ]
      : [],
  );
  return {
    kind: 'invoice',
    number: finalization.number,
    issuedAt: draft.issuedAt,
    dueDate: new Date(new Date(draft.issuedAt).getTime() + seller.paymentTermsDays * DAY_MS).toISOString().slice(0, 10),
    currency: draft.currency,
    language: buyer.language ?? seller.language,
    seller,
    buyer,
    period: { start: draft.period.start, end: draft.period.end },
    lines,
    vatSummary: draft.vatSummary,
    treatment: draft.treatment,
    netCents: draft.netCents,
    taxCents: draft.taxCents,
    grossCents: draft.subtotalCents,
    creditAppliedCents,
    amountDueCents: draft.amountCents,
    buyerReference: draft.subscriptionId,
    paidAt: null,
    corrects: null,
    reason: null,
  };
}

export interface CreditNoteRequest {
  number: string;
  issuedAt: string;
  /** Gross (VAT included) amount credited; the whole invoice when it is voided. */
  amountCents: number;
  kind: 'refund' | 'void';
}

/** Why a credit note was issued, in the language of the invoice it corrects. */
const REASONS: Record<CreditNoteRequest['kind'], Record<DocumentLanguage, string>> = {
  refund: { nb: 'Tilbakebetaling av ubrukt tid ved oppsigelse', en: 'Refund of unused time on cancellation' },
  void: { nb: 'Fakturaen er annullert og blir ikke innkrevd', en: 'The invoice is voided and will not be collected' },
};

/**
 * A credit note against `invoice`: a voided invoice is credited line for line; a refund takes
 * back VAT in proportion to what each rate of the invoice carried (amounts positive, as UBL's
 * CreditNote states them).
 */
export function creditNoteDocument(invoice: InvoiceDocument, request: CreditNoteRequest): InvoiceDocument {
  const whole = request.kind === 'void' || request.amountCents >= invoice.grossCents;
  const lines: DocumentLine[] = whole
    ? invoice.lines.map((line) => ({ ...line, kind: request.kind === 'void' ? line.kind : 'refund', tax: { ...line.tax } }))
    : refundLines(invoice, request.amountCents);
  const sum = (pick: (line: DocumentLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const grossCents = sum((line) => line.tax.grossCents);
  return {
    ...invoice,
    kind: 'credit_note',
    number: request.number,
    issuedAt: request.issuedAt,
    dueDate: null,
    lines,
    vatSummary: vatSummary(lines),
    netCents: sum((line) => line.tax.netCents),
    taxCents: sum((line) => line.tax.taxCents),
    grossCents,
    creditAppliedCents: 0,
    amountDueCents: grossCents,
    // A refund went back to the card when the note was issued.
    paidAt: request.kind === 'refund' ? request.issuedAt : null,
    corrects: { number: invoice.number, issuedAt: invoice.issuedAt },
    reason: REASONS[request.kind][invoice.language],
  };
}

function refundLines(invoice: InvoiceDocument, amountCents: number): DocumentLine[] {
  const rows = invoice.vatSummary.filter((row) => row.netCents + row.taxCents > 0);
  if (rows.length === 0) return [];
  const parts = allocateProportionally(amountCents, rows.map((row) => row.netCents + row.taxCents));
  return rows.flatMap((row, i) => {
    const gross = parts[i] ?? 0;
    if (gross === 0) return [];
    const taxCents = taxInGross(gross, row.rateBasisPoints);
    const sample = invoice.lines.find((line) => line.tax.vatCategory === row.vatCategory && line.tax.rateBasisPoints === row.rateBasisPoints);
    return [
      {
        kind: 'refund',
        description: `Refund, invoice ${invoice.number}`,
        itemName: null,
        quantity: 1,
        periodStart: null,
        periodEnd: null,
        taxCategory: sample?.taxCategory ?? 'standard',
        tax: { rateBasisPoints: row.rateBasisPoints, vatCategory: row.vatCategory, netCents: gross - taxCents, taxCents, grossCents: gross },
      },
    ];
  });
}
