// Every word printed on invoices and credit notes, in Norwegian bokmål and English, and the
// sentences built from a document's data: line descriptions, the seller's identity, the VAT note.
import type { DocumentLanguage, DocumentLine, SellerProfile } from '../domain/tax/types';
import { formatOrganizationNumber, formatPeriod } from './format';

export interface Labels {
  invoice: string;
  creditNote: string;
  invoiceNumber: string;
  creditNoteNumber: string;
  invoiceDate: string;
  creditNoteDate: string;
  dueDate: string;
  periodOfSupply: string;
  buyerReference: string;
  buyer: string;
  organizationNumber: string;
  vatId: string;
  creditNoteFor: string;
  /** Joins the corrected invoice's number and date: "Kreditnota for faktura 7 av 01.12.2026". */
  of: string;
  reason: string;
  description: string;
  quantity: string;
  net: string;
  vatRate: string;
  vat: string;
  gross: string;
  amountsIn: string;
  vatSummary: string;
  basis: string;
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  creditApplied: string;
  amountDue: string;
  paid: string;
  refunded: string;
  paymentInformation: string;
  bankAccount: string;
  iban: string;
  bic: string;
  paymentReference: string;
  page: string;
  /** Joins page numbers: "Side 1 av 2". */
  pageOf: string;
}

const LABELS: Record<DocumentLanguage, Labels> = {
  nb: {
    invoice: 'Faktura',
    creditNote: 'Kreditnota',
    invoiceNumber: 'Fakturanummer',
    creditNoteNumber: 'Kreditnotanummer',
    invoiceDate: 'Fakturadato',
    creditNoteDate: 'Kreditnotadato',
    dueDate: 'Forfallsdato',
    periodOfSupply: 'Leveringsperiode',
    buyerReference: 'Deres referanse',
    buyer: 'Kunde',
    organizationNumber: 'Org.nr.',
    vatId: 'MVA-nr.',
    creditNoteFor: 'Kreditnota for faktura',
    of: 'av',
    reason: 'Årsak',
    description: 'Beskrivelse',
    quantity: 'Antall',
    net: 'Beløp eks. mva.',
    vatRate: 'MVA-sats',
    vat: 'MVA',
    gross: 'Beløp inkl. mva.',
    amountsIn: 'Beløp i',
    vatSummary: 'Merverdiavgift',
    basis: 'Grunnlag',
    totalExclVat: 'Sum eks. mva.',
    totalVat: 'Sum MVA',
    totalInclVat: 'Sum inkl. mva.',
    creditApplied: 'Trukket fra kontokreditt',
    amountDue: 'Å betale',
    paid: 'Betalt',
    refunded: 'Tilbakebetalt',
    paymentInformation: 'Betalingsinformasjon',
    bankAccount: 'Kontonummer',
    iban: 'IBAN',
    bic: 'BIC',
    paymentReference: 'Merk betalingen med',
    page: 'Side',
    pageOf: 'av',
  },
  en: {
    invoice: 'Invoice',
    creditNote: 'Credit note',
    invoiceNumber: 'Invoice number',
    creditNoteNumber: 'Credit note number',
    invoiceDate: 'Invoice date',
    creditNoteDate: 'Credit note date',
    dueDate: 'Due date',
    periodOfSupply: 'Period of supply',
    buyerReference: 'Your reference',
    buyer: 'Customer',
    organizationNumber: 'Org. no.',
    vatId: 'VAT no.',
    creditNoteFor: 'Credit note for invoice',
    of: 'of',
    reason: 'Reason',
    description: 'Description',
    quantity: 'Qty',
    net: 'Net',
    vatRate: 'VAT rate',
    vat: 'VAT',
    gross: 'Gross',
    amountsIn: 'Amounts in',
    vatSummary: 'VAT summary',
    basis: 'Basis',
    totalExclVat: 'Total excl. VAT',
    totalVat: 'VAT',
    totalInclVat: 'Total incl. VAT',
    creditApplied: 'Account credit applied',
    amountDue: 'Amount due',
    paid: 'Paid',
    refunded: 'Refunded',
    paymentInformation: 'Payment information',
    bankAccount: 'Bank account',
    iban: 'IBAN',
    bic: 'BIC',
    paymentReference: 'Payment reference',
    page: 'Page',
    pageOf: 'of',
  },
};

export function labelsFor(language: DocumentLanguage): Labels {
  return LABELS[language];
}

/**
 * "Org.nr. 923 609 016 MVA": Norwegian law (bokføringsforskriften § 5-1-1) wants "MVA" after the
 * number of a VAT-registered seller, in every language.
 */
export function sellerIdentity(seller: SellerProfile, language: DocumentLanguage): string {
  const number = `${LABELS[language].organizationNumber} ${formatOrganizationNumber(seller.organizationNumber)}`;
  return seller.vatRegistered ? `${number} MVA` : number;
}

/** The bokmål wording of each line kind the engine writes, given the item; other kinds keep the engine's text. */
const NB_LINE_KINDS: Record<string, (item: string) => string> = {
  subscription: (item) => `Abonnement ${item}`,
  addon: (item) => `Tillegg ${item}`,
  proration_charge: (item) => `Forholdsmessig belastning for ${item}`,
  proration_credit: (item) => `Kreditering av ubrukt tid på ${item}`,
  discount: (item) => `Rabatt ${item}`,
  refund: (item) => (item ? `Tilbakebetaling ${item}` : 'Tilbakebetaling'),
};

export interface LineText {
  text: string;
  /** The line's period, printed after the text; null when the text already says it or there is none. */
  period: string | null;
}

/**
 * The engine writes line descriptions in English; a bokmål document builds its own from the
 * line's kind, item and period. The period comes apart so a narrow cell can give it a line of its own.
 */
export function describeLine(line: DocumentLine, language: DocumentLanguage): LineText {
  const describe = NB_LINE_KINDS[line.kind];
  if (language === 'en' || describe === undefined) return { text: line.description, period: null };
  const item = line.itemName?.trim() ?? '';
  // A refund says what it is without an item; the others would be vague, so keep the engine's text.
  if (!item && line.kind !== 'refund') return { text: line.description, period: null };
  const period = line.periodStart && line.periodEnd ? formatPeriod(line.periodStart, line.periodEnd, 'nb') : null;
  return { text: describe(item), period };
}

/** A line's description on one line: "Abonnement Pro, 01.12.2026–31.12.2026". */
export function lineDescription(line: DocumentLine, language: DocumentLanguage): string {
  const { text, period } = describeLine(line, language);
  return period ? `${text}, ${period}` : text;
}
