// EHF / Peppol BIS Billing 3.0: a finalized invoice or credit note as a UBL 2.1 Invoice or CreditNote.
import type { InvoiceDocument } from '../domain/tax/types';
import { assertTotalsAgree } from './document-totals';
import { documentLines } from './ubl-lines';
import { customerParty, supplierParty } from './ubl-parties';
import { legalMonetaryTotal, paymentMeans, paymentTerms } from './ubl-payment';
import { taxTotal } from './ubl-tax';
import { calendarDate, documentDate, lastDay } from './ubl-values';
import { element, leaf, serializeXml, type XmlElement } from './xml';

export const PEPPOL_BILLING_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_BILLING_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

const COMMON_NAMESPACES = {
  'xmlns:cac': 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  'xmlns:cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export interface UblOptions {
  /** Where the document's dates are read: issue date, periods, due date. The seller's time zone. */
  timeZone?: string;
}

function creditedInvoice(doc: InvoiceDocument, timeZone: string): XmlElement | null {
  if (doc.kind !== 'credit_note' || !doc.corrects) return null;
  return element('cac:BillingReference', [
    element('cac:InvoiceDocumentReference', [
      leaf('cbc:ID', doc.corrects.number),
      leaf('cbc:IssueDate', documentDate(doc.corrects.issuedAt, timeZone)),
    ]),
  ]);
}

/**
 * The UBL XML of a finalized document: Invoice (type 380) or CreditNote (type 381, referring to the
 * invoice it corrects). Throws when the document's sums disagree or a party cannot be addressed.
 */
export function renderUbl(doc: InvoiceDocument, { timeZone = 'Europe/Oslo' }: UblOptions = {}): string {
  assertTotalsAgree(doc);
  // Peppol routes and matches invoices by it (PEPPOL-EN16931-R003): without one a buyer may reject the invoice.
  if (!doc.buyerReference.trim()) throw new Error(`${doc.kind} ${doc.number} has no buyer reference`);
  const invoice = doc.kind === 'invoice';
  const outsideVat = doc.lines.some((line) => line.tax.vatCategory === 'O');
  const root = element(
    invoice ? 'Invoice' : 'CreditNote',
    [
      leaf('cbc:CustomizationID', PEPPOL_BILLING_CUSTOMIZATION_ID),
      leaf('cbc:ProfileID', PEPPOL_BILLING_PROFILE_ID),
      leaf('cbc:ID', doc.number),
      leaf('cbc:IssueDate', calendarDate(doc.issuedAt, timeZone)),
      invoice && doc.dueDate ? leaf('cbc:DueDate', documentDate(doc.dueDate, timeZone)) : null,
      invoice ? leaf('cbc:InvoiceTypeCode', '380') : leaf('cbc:CreditNoteTypeCode', '381'),
      leaf('cbc:Note', doc.reason),
      leaf('cbc:DocumentCurrencyCode', doc.currency.toUpperCase()),
      leaf('cbc:BuyerReference', doc.buyerReference),
      element('cac:InvoicePeriod', [
        leaf('cbc:StartDate', calendarDate(doc.period.start, timeZone)),
        leaf('cbc:EndDate', lastDay(doc.period.start, doc.period.end, timeZone)),
      ]),
      creditedInvoice(doc, timeZone),
      supplierParty(doc, !outsideVat),
      customerParty(doc, !outsideVat),
      element('cac:Delivery', [leaf('cbc:ActualDeliveryDate', calendarDate(doc.period.start, timeZone))]),
      paymentMeans(doc),
      paymentTerms(doc, timeZone),
      taxTotal(doc),
      legalMonetaryTotal(doc),
      ...documentLines(doc, timeZone),
    ],
    {
      xmlns: `urn:oasis:names:specification:ubl:schema:xsd:${invoice ? 'Invoice' : 'CreditNote'}-2`,
      ...COMMON_NAMESPACES,
    },
  )!;
  return serializeXml(root);
}
