// How the document is paid: payment instructions and terms (invoices) and the monetary totals.
import type { InvoiceDocument } from '../domain/tax/types';
import { amount, documentDate } from './ubl-values';
import { element, leaf, type XmlElement } from './xml';

/**
 * What was paid before this document asks for anything: account credit, and the whole remainder
 * when the card was charged already. PayableAmount = TaxInclusiveAmount − this (BR-CO-16).
 */
export function prepaidCents(doc: InvoiceDocument): number {
  const charged = doc.kind === 'invoice' && doc.paidAt ? doc.amountDueCents : 0;
  return doc.creditAppliedCents + charged;
}

export function payableCents(doc: InvoiceDocument): number {
  return doc.grossCents - prepaidCents(doc);
}

export function legalMonetaryTotal(doc: InvoiceDocument): XmlElement {
  const { currency } = doc;
  const prepaid = prepaidCents(doc);
  // No document-level allowances or charges: discounts are lines, so the line total is the net.
  return element('cac:LegalMonetaryTotal', [
    amount('cbc:LineExtensionAmount', doc.netCents, currency),
    amount('cbc:TaxExclusiveAmount', doc.netCents, currency),
    amount('cbc:TaxInclusiveAmount', doc.grossCents, currency),
    prepaid === 0 ? null : amount('cbc:PrepaidAmount', prepaid, currency),
    amount('cbc:PayableAmount', payableCents(doc), currency),
  ])!;
}

const compactAccount = (account: string) => account.replace(/[\s.-]/g, '').toUpperCase();
const isIban = (account: string) => /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(account);

/**
 * A credit transfer to the seller's account, referenced by the invoice number: SEPA (58) for
 * euros to an IBAN, an ordinary credit transfer (30) otherwise. Null when nothing is left to pay.
 */
export function paymentMeans(doc: InvoiceDocument): XmlElement | null {
  if (doc.kind !== 'invoice' || payableCents(doc) <= 0) return null;
  const account = compactAccount(doc.seller.bankAccount);
  const sepa = doc.currency.toUpperCase() === 'EUR' && isIban(account);
  return element('cac:PaymentMeans', [
    leaf('cbc:PaymentMeansCode', sepa ? '58' : '30'),
    leaf('cbc:PaymentID', doc.number),
    element('cac:PayeeFinancialAccount', [
      leaf('cbc:ID', account),
      leaf('cbc:Name', doc.seller.legalName),
      element('cac:FinancialInstitutionBranch', [leaf('cbc:ID', doc.seller.bic)]),
    ]),
  ]);
}

export function paymentTerms(doc: InvoiceDocument, timeZone: string): XmlElement | null {
  if (doc.kind !== 'invoice') return null;
  const nb = doc.language === 'nb';
  const days = doc.seller.paymentTermsDays;
  let note: string;
  if (doc.paidAt) {
    const paid = documentDate(doc.paidAt, timeZone);
    note = nb ? `Betalt ${paid}` : `Paid ${paid}`;
  } else if (doc.dueDate) {
    const due = documentDate(doc.dueDate, timeZone);
    note = nb ? `Betales innen ${due} (${days} dager netto)` : `Due ${due} (net ${days} days)`;
  } else {
    note = nb ? `${days} dager netto` : `Net ${days} days`;
  }
  return element('cac:PaymentTerms', [leaf('cbc:Note', note)]);
}
