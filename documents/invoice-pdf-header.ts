// The top of a document's first page (logo, title, seller, dates and references, buyer, the
// invoice a credit note corrects) and the short running head of the pages after it.
import type { InvoiceDocument, PostalAddress } from '../domain/tax/types';
import { countryName, formatDate, formatOrganizationNumber, formatPeriod } from './format';
import { labelsFor, sellerIdentity } from './labels';
import {
  COLOR,
  contentLeft,
  contentRight,
  contentWidth,
  FONT,
  MARGIN,
  paragraphAt,
  type Pdf,
  rule,
  SIZE,
  textAt,
  textRightAt,
  useFont,
} from './pdf-canvas';

const LOGO_BOX: [number, number] = [170, 50];
const META_WIDTH = 230;
const META_LABEL_WIDTH = 95;
const LINE_GAP = 2;

export function documentTitle(doc: InvoiceDocument): string {
  const labels = labelsFor(doc.language);
  return `${doc.kind === 'invoice' ? labels.invoice : labels.creditNote} ${doc.number}`;
}

/**
 * Street lines, postal code and city, and the country when it is not the other party's: a
 * domestic letter leaves it out, a cross-border one needs it.
 */
function addressLines(address: PostalAddress, otherCountry: string, doc: InvoiceDocument): string[] {
  const lines = [...address.lines, `${address.postalCode} ${address.city}`];
  if (address.country.toUpperCase() !== otherCountry.toUpperCase()) lines.push(countryName(address.country, doc.language));
  return lines;
}

function drawBlock(pdf: Pdf, heading: string | null, name: string, lines: readonly string[], x: number, y: number, width: number): number {
  let top = y;
  if (heading) {
    useFont(pdf, FONT.bold, SIZE.small, COLOR.muted);
    textAt(pdf, heading.toUpperCase(), x, top);
    top += SIZE.small + 4;
  }
  useFont(pdf, FONT.bold, SIZE.heading);
  top += paragraphAt(pdf, name, x, top, width) + LINE_GAP;
  useFont(pdf, FONT.regular, SIZE.body);
  for (const line of lines) top += paragraphAt(pdf, line, x, top, width) + LINE_GAP / 2;
  return top;
}

function metaRows(doc: InvoiceDocument): Array<[string, string]> {
  const labels = labelsFor(doc.language);
  const isInvoice = doc.kind === 'invoice';
  return [
    [isInvoice ? labels.invoiceNumber : labels.creditNoteNumber, doc.number],
    [isInvoice ? labels.invoiceDate : labels.creditNoteDate, formatDate(doc.issuedAt, doc.language)],
    ...(isInvoice && doc.dueDate ? [[labels.dueDate, formatDate(doc.dueDate, doc.language)] as [string, string]] : []),
    [labels.periodOfSupply, formatPeriod(doc.period.start, doc.period.end, doc.language)],
    [labels.buyerReference, doc.buyerReference],
  ];
}

function drawMeta(pdf: Pdf, doc: InvoiceDocument, y: number): number {
  const left = contentRight(pdf) - META_WIDTH;
  const valueWidth = META_WIDTH - META_LABEL_WIDTH;
  let top = y;
  for (const [label, value] of metaRows(doc)) {
    useFont(pdf, FONT.regular, SIZE.small, COLOR.muted);
    textAt(pdf, label, left, top + 1);
    useFont(pdf, FONT.regular, SIZE.body);
    const height = pdf.heightOfString(value, { width: valueWidth });
    pdf.text(value, left + META_LABEL_WIDTH, top, { width: valueWidth, align: 'right' });
    top += height + 4;
  }
  return top;
}

function buyerIdentifiers(doc: InvoiceDocument): string[] {
  const labels = labelsFor(doc.language);
  const { organizationNumber, vatId } = doc.buyer;
  return [
    ...(organizationNumber ? [`${labels.organizationNumber} ${formatOrganizationNumber(organizationNumber)}`] : []),
    ...(vatId ? [`${labels.vatId} ${vatId}`] : []),
  ];
}

function drawCorrectedInvoice(pdf: Pdf, doc: InvoiceDocument, y: number): number {
  if (doc.kind !== 'credit_note' || !doc.corrects) return y;
  const labels = labelsFor(doc.language);
  const width = contentWidth(pdf);
  useFont(pdf, FONT.bold, SIZE.body);
  let top = y + paragraphAt(pdf, `${labels.creditNoteFor} ${doc.corrects.number} ${labels.of} ${formatDate(doc.corrects.issuedAt, doc.language)}`, contentLeft(), y, width);
  if (doc.reason) {
    useFont(pdf, FONT.regular, SIZE.body);
    top += 2 + paragraphAt(pdf, `${labels.reason}: ${doc.reason}`, contentLeft(), top + 2, width);
  }
  return top;
}

/** Draws the first page's heading from the top margin; returns the y below it. */
export function drawHeading(pdf: Pdf, doc: InvoiceDocument): number {
  const left = contentLeft();
  const columnWidth = contentWidth(pdf) - META_WIDTH - 20;
  let logoBottom = MARGIN;
  if (doc.seller.logoPath) {
    pdf.image(doc.seller.logoPath, left, MARGIN, { fit: LOGO_BOX });
    logoBottom = MARGIN + LOGO_BOX[1];
  }
  useFont(pdf, FONT.bold, SIZE.title);
  textRightAt(pdf, documentTitle(doc), contentRight(pdf), MARGIN);
  const top = Math.max(logoBottom, MARGIN + SIZE.title + 4) + 18;

  const { seller, buyer } = doc;
  const sellerLines = [...addressLines(seller.address, buyer.address.country, doc), sellerIdentity(seller, doc.language)];
  const sellerBottom = drawBlock(pdf, null, seller.legalName, sellerLines, left, top, columnWidth);
  const metaBottom = drawMeta(pdf, doc, top);

  const buyerTop = Math.max(sellerBottom, metaBottom) + 18;
  const buyerLines = [...addressLines(buyer.address, seller.address.country, doc), ...buyerIdentifiers(doc)];
  const buyerBottom = drawBlock(pdf, labelsFor(doc.language).buyer, buyer.legalName, buyerLines, left, buyerTop, columnWidth);
  return drawCorrectedInvoice(pdf, doc, buyerBottom + 14) + 16;
}

/** Names the document at the top of continuation pages; returns the y below it. */
export function drawRunningHead(pdf: Pdf, doc: InvoiceDocument): number {
  useFont(pdf, FONT.bold, SIZE.body);
  textAt(pdf, documentTitle(doc), contentLeft(), MARGIN);
  useFont(pdf, FONT.regular, SIZE.body, COLOR.muted);
  textRightAt(pdf, doc.buyer.legalName, contentRight(pdf), MARGIN);
  rule(pdf, contentLeft(), contentRight(pdf), MARGIN + SIZE.body + 6);
  return MARGIN + SIZE.body + 18;
}
