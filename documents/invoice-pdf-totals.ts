// Under the lines: the VAT summary per rate (basis, rate, VAT) on the left, the totals on the
// right, ending with what is due (or was paid).
import type { InvoiceDocument } from '../domain/tax/types';
import { formatDate, formatMoney, formatRate } from './format';
import { labelsFor } from './labels';
import {
  COLOR,
  contentLeft,
  contentRight,
  ensureRoom,
  FONT,
  type NewPage,
  type Pdf,
  rule,
  SIZE,
  textAt,
  textRightAt,
  useFont,
} from './pdf-canvas';
import { type Column, drawTable } from './pdf-table';

const SUMMARY_WIDTHS = { basis: 100, rate: 50, vat: 90 } as const;
const TOTALS_WIDTH = 230;
const TOTAL_ROW = 16;
const SUMMARY_ROW = 19;

interface TotalRow {
  label: string;
  amountCents: number;
  emphasis?: boolean;
}

function totalRows(doc: InvoiceDocument): TotalRow[] {
  const labels = labelsFor(doc.language);
  const isInvoice = doc.kind === 'invoice';
  const rows: TotalRow[] = [
    { label: labels.totalExclVat, amountCents: doc.netCents },
    { label: labels.totalVat, amountCents: doc.taxCents },
    { label: labels.totalInclVat, amountCents: doc.grossCents, emphasis: !isInvoice },
  ];
  if (!isInvoice) return rows;
  // Account credit is a payment, not a discount: it comes off what is due, after VAT.
  if (doc.creditAppliedCents > 0) rows.push({ label: labels.creditApplied, amountCents: -doc.creditAppliedCents });
  const due = doc.paidAt ? `${labels.paid} ${formatDate(doc.paidAt, doc.language)}` : labels.amountDue;
  rows.push({ label: due, amountCents: doc.amountDueCents, emphasis: true });
  return rows;
}

function drawVatSummary(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  const { language, currency } = doc;
  const labels = labelsFor(language);
  useFont(pdf, FONT.bold, SIZE.small, COLOR.muted);
  textAt(pdf, labels.vatSummary.toUpperCase(), contentLeft(), y);
  const columns: Column[] = [
    { header: labels.basis, width: SUMMARY_WIDTHS.basis, align: 'right' },
    { header: labels.vatRate, width: SUMMARY_WIDTHS.rate, align: 'right' },
    { header: labels.vat, width: SUMMARY_WIDTHS.vat, align: 'right' },
  ];
  const rows = doc.vatSummary.map((row) => [
    formatMoney(row.netCents, currency, language),
    formatRate(row.rateBasisPoints, language),
    formatMoney(row.taxCents, currency, language),
  ]);
  return drawTable(pdf, columns, rows, contentLeft(), y + SIZE.small + 6, newPage);
}

function drawTotals(pdf: Pdf, doc: InvoiceDocument, y: number): number {
  const right = contentRight(pdf);
  const left = right - TOTALS_WIDTH;
  let top = y;
  for (const row of totalRows(doc)) {
    if (row.emphasis) {
      rule(pdf, left, right, top, COLOR.text);
      top += 5;
    }
    const [font, size] = row.emphasis ? [FONT.bold, SIZE.heading] : [FONT.regular, SIZE.body];
    useFont(pdf, font, size);
    textAt(pdf, row.label, left, top);
    textRightAt(pdf, formatMoney(row.amountCents, doc.currency, doc.language), right, top);
    top += TOTAL_ROW;
  }
  return top;
}

/** Draws the VAT summary and the totals side by side from `y`, kept on one page; returns the y under them. */
export function drawTotalsSection(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  const summaryHeight = SIZE.small + 6 + SUMMARY_ROW * (doc.vatSummary.length + 1);
  const totalsHeight = TOTAL_ROW * (totalRows(doc).length + 1);
  const top = ensureRoom(pdf, y, Math.max(summaryHeight, totalsHeight), newPage);
  const summaryBottom = drawVatSummary(pdf, doc, top, newPage);
  const totalsBottom = drawTotals(pdf, doc, top);
  return Math.max(summaryBottom, totalsBottom);
}
