// The lines table: what was sold, how many, and each line's net, VAT rate, VAT and gross.
import type { DocumentLanguage, DocumentLine, InvoiceDocument } from '../domain/tax/types';
import { formatAmount, formatQuantity, formatRate } from './format';
import { describeLine, labelsFor } from './labels';
import {
  CELL_PADDING,
  COLOR,
  contentLeft,
  contentRight,
  contentWidth,
  ensureRoom,
  FONT,
  type NewPage,
  type Pdf,
  SIZE,
  textRightAt,
  useFont,
} from './pdf-canvas';
import { type Column, drawTable } from './pdf-table';

// Wide enough for "-12 345 678,90" at body size, and for "Beløp inkl. mva." on one line as a header;
// the description takes the rest and wraps.
const NUMBER_WIDTHS = { quantity: 36, net: 76, vatRate: 46, vat: 64, gross: 76 } as const;
const NUMBERS_WIDTH = Object.values(NUMBER_WIDTHS).reduce((sum, width) => sum + width, 0);
const CAPTION_AND_FIRST_ROWS = 70;

function columns(doc: InvoiceDocument, descriptionWidth: number): Column[] {
  const labels = labelsFor(doc.language);
  return [
    { header: labels.description, width: descriptionWidth, align: 'left' },
    { header: labels.quantity, width: NUMBER_WIDTHS.quantity, align: 'right' },
    { header: labels.net, width: NUMBER_WIDTHS.net, align: 'right' },
    { header: labels.vatRate, width: NUMBER_WIDTHS.vatRate, align: 'right' },
    { header: labels.vat, width: NUMBER_WIDTHS.vat, align: 'right' },
    { header: labels.gross, width: NUMBER_WIDTHS.gross, align: 'right' },
  ];
}

/** The description on one line when it fits, else with its period on a line of its own rather than split. */
function descriptionCell(pdf: Pdf, line: DocumentLine, language: DocumentLanguage, width: number): string {
  const { text, period } = describeLine(line, language);
  if (!period) return text;
  const oneLine = `${text}, ${period}`;
  useFont(pdf, FONT.regular, SIZE.body);
  return pdf.widthOfString(oneLine) <= width - 2 * CELL_PADDING ? oneLine : `${text},\n${period}`;
}

function rows(pdf: Pdf, doc: InvoiceDocument, descriptionWidth: number): string[][] {
  const { language, currency } = doc;
  return doc.lines.map((line) => [
    descriptionCell(pdf, line, language, descriptionWidth),
    formatQuantity(line.quantity, language),
    formatAmount(line.tax.netCents, currency, language),
    formatRate(line.tax.rateBasisPoints, language),
    formatAmount(line.tax.taxCents, currency, language),
    formatAmount(line.tax.grossCents, currency, language),
  ]);
}

/** Draws the lines table from `y`, over as many pages as it takes; returns the y under it. */
export function drawLines(pdf: Pdf, doc: InvoiceDocument, y: number, newPage: NewPage): number {
  // The caption goes with the header and a first row, never alone at the bottom of a page.
  const top = ensureRoom(pdf, y, CAPTION_AND_FIRST_ROWS, newPage);
  // The cells hold bare numbers; the currency is said once, above them.
  useFont(pdf, FONT.regular, SIZE.small, COLOR.muted);
  textRightAt(pdf, `${labelsFor(doc.language).amountsIn} ${doc.currency.toUpperCase()}`, contentRight(pdf), top);
  const descriptionWidth = contentWidth(pdf) - NUMBERS_WIDTH;
  return drawTable(pdf, columns(doc, descriptionWidth), rows(pdf, doc, descriptionWidth), contentLeft(), top + SIZE.small + 4, newPage);
}
