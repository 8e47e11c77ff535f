// The closing part: why VAT is what it is (reverse charge, export…), then how to pay: the bank
// transfer details, or the date it was paid (or refunded, for a credit note).
import type { InvoiceDocument } from '../domain/tax/types';
import { formatBankAccount, formatDate, formatMoney, isIban } from './format';
import { legalNote } from '../domain/tax/legal-note';
import { labelsFor } from './labels';
import {
  COLOR,
  contentLeft,
  contentWidth,
  ensureRoom,
  FONT,
  type NewPage,
  paragraphAt,
  type Pdf,
  SIZE,
  textAt,
  useFont,
} from './pdf-canvas';

const LABEL_WIDTH = 120;
const ROW = 14;

function drawLegalNote(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  const note = legalNote(doc.treatment, doc.language, doc.buyer.taxExemptionReason);
  if (!note) return y;
  useFont(pdf, FONT.bold, SIZE.body);
  const height = pdf.heightOfString(note, { width: contentWidth(pdf) });
  const top = ensureRoom(pdf, y, height, newPage);
  return top + paragraphAt(pdf, note, contentLeft(), top, contentWidth(pdf)) + 14;
}

function transferRows(doc: InvoiceDocument): Array<[string, string]> {
  const labels = labelsFor(doc.language);
  const { bankAccount, bic } = doc.seller;
  const account: Array<[string, string]> = isIban(bankAccount)
    ? [[labels.iban, formatBankAccount(bankAccount)], ...(bic ? [[labels.bic, bic] as [string, string]] : [])]
    : [[labels.bankAccount, formatBankAccount(bankAccount)]];
  return [
    ...account,
    ...(doc.dueDate ? [[labels.dueDate, formatDate(doc.dueDate, doc.language)] as [string, string]] : []),
    [labels.amountDue, formatMoney(doc.amountDueCents, doc.currency, doc.language)],
    [labels.paymentReference, doc.number],
  ];
}

function drawTransfer(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  const rows = transferRows(doc);
  let top = ensureRoom(pdf, y, SIZE.small + 6 + ROW * rows.length, newPage);
  useFont(pdf, FONT.bold, SIZE.small, COLOR.muted);
  textAt(pdf, labelsFor(doc.language).paymentInformation.toUpperCase(), contentLeft(), top);
  top += SIZE.small + 6;
  for (const [label, value] of rows) {
    useFont(pdf, FONT.regular, SIZE.body, COLOR.muted);
    textAt(pdf, label, contentLeft(), top);
    useFont(pdf, FONT.bold, SIZE.body);
    textAt(pdf, value, contentLeft() + LABEL_WIDTH, top);
    top += ROW;
  }
  return top;
}

function drawSettled(pdf: Pdf, text: string, y: number, newPage: NewPage): number {
  const top = ensureRoom(pdf, y, ROW, newPage);
  useFont(pdf, FONT.bold, SIZE.heading);
  textAt(pdf, text, contentLeft(), top);
  return top + ROW;
}

/** Draws the legal note and the payment part from `y`; returns the y under them. */
export function drawPayment(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  const labels = labelsFor(doc.language);
  const top = drawLegalNote(pdf, doc, y, newPage);
  if (doc.paidAt) {
    const settled = doc.kind === 'invoice' ? labels.paid : labels.refunded;
    return drawSettled(pdf, `${settled} ${formatDate(doc.paidAt, doc.language)}`, top, newPage);
  }
  // Credit notes and invoices covered by account credit ask for no transfer.
  if (doc.kind === 'credit_note' || doc.amountDueCents <= 0) return top;
  return drawTransfer(pdf, doc, top, newPage);
}
