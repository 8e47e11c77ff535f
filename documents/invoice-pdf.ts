// An invoice or credit note as an A4 PDF, from the document stored with it. The PDF is stored
// once and served many times, so the same document always gives the same bytes.
import type { InvoiceDocument } from '../domain/tax/types';
import { drawHeading, drawRunningHead, documentTitle } from './invoice-pdf-header';
import { drawLines } from './invoice-pdf-lines';
import { drawPayment } from './invoice-pdf-payment';
import { drawTotalsSection } from './invoice-pdf-totals';
import { labelsFor, sellerIdentity } from './labels';
import { printableStrings, registerFonts } from './pdf-fonts';
import { COLOR, contentLeft, contentRight, FONT, MARGIN, type Pdf, rule, SIZE, textAt, textRightAt, useFont } from './pdf-canvas';

function footerText(doc: InvoiceDocument): string {
  const { seller } = doc;
  return [seller.legalName, sellerIdentity(seller, doc.language), seller.email].filter(Boolean).join(' · ');
}

/** Seller and page numbers ("Side 1 av 2") on every page, drawn once the page count is known. */
function drawFooters(pdf: Pdf, doc: InvoiceDocument): void {
  const labels = labelsFor(doc.language);
  const { start, count } = pdf.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    pdf.switchToPage(index);
    const y = pdf.page.height - MARGIN / 2 - 20;
    rule(pdf, contentLeft(), contentRight(pdf), y);
    useFont(pdf, FONT.regular, SIZE.footer, COLOR.muted);
    textAt(pdf, footerText(doc), contentLeft(), y + 6);
    textRightAt(pdf, `${labels.page} ${index - start + 1} ${labels.pageOf} ${count}`, contentRight(pdf), y + 6);
  }
}

function collect(pdf: Pdf): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

export async function renderInvoicePdf(stored: InvoiceDocument): Promise<Buffer> {
  const doc = printableStrings(stored);
  // pdfkit derives the file ID from the info dictionary, dates included: fixing the dates to the
  // issue time makes the output a function of the document alone.
  const issuedAt = new Date(doc.issuedAt);
  // Loaded on the first render: pdfkit and its font stack cost a process that renders nothing (an
  // API serving JSON) about 100 ms at start.
  const { default: PDFDocument } = await import('pdfkit');
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: doc.language === 'nb' ? 'nb-NO' : 'en',
    displayTitle: true,
    info: { Title: documentTitle(doc), Author: doc.seller.legalName, CreationDate: issuedAt, ModDate: issuedAt },
  });
  registerFonts(pdf);
  const bytes = collect(pdf);
  const newPage = () => drawRunningHead(pdf.addPage(), doc);

  const linesTop = drawHeading(pdf, doc);
  const totalsTop = drawLines(pdf, doc, linesTop, newPage) + 18;
  const paymentTop = drawTotalsSection(pdf, doc, totalsTop, newPage) + 22;
  drawPayment(pdf, doc, paymentTop, newPage);
  drawFooters(pdf, doc);
  pdf.end();
  return bytes;
}
