// The look shared by every part of a rendered document (fonts, sizes, colours, the content box)
// and the few drawing moves they are made of. Positions are explicit: each part is given a y and
// returns where it ended, so nothing depends on pdfkit's text cursor.
import type PDFDocument from 'pdfkit';

/** The pdfkit document being drawn (its module exports the class, whose instances share its type). */
export type Pdf = typeof PDFDocument;

export { FONT } from './pdf-fonts';
export const SIZE = { title: 20, heading: 10, body: 9, small: 8, footer: 7.5 } as const;
export const COLOR = { text: '#1a1a1a', muted: '#6b6b6b', rule: '#cfcfcf', band: '#f1f1f1' } as const;

export const MARGIN = 50;
/** Room kept under the content for the footer. */
export const FOOTER_SPACE = 45;
export const CELL_PADDING = 4;

export function contentLeft(): number {
  return MARGIN;
}

export function contentRight(doc: Pdf): number {
  return doc.page.width - MARGIN;
}

export function contentWidth(doc: Pdf): number {
  return doc.page.width - 2 * MARGIN;
}

export function contentBottom(doc: Pdf): number {
  return doc.page.height - FOOTER_SPACE - MARGIN / 2;
}

export function useFont(doc: Pdf, font: string, size: number, color: string = COLOR.text): Pdf {
  return doc.font(font).fontSize(size).fillColor(color);
}

/** One line of text, never wrapped (pdfkit would otherwise add pages on its own near the bottom). */
export function textAt(doc: Pdf, text: string, x: number, y: number): void {
  doc.text(text, x, y, { lineBreak: false });
}

export function textRightAt(doc: Pdf, text: string, right: number, y: number): void {
  doc.text(text, right - doc.widthOfString(text), y, { lineBreak: false });
}

/** Text wrapped to a width; returns its height. */
export function paragraphAt(doc: Pdf, text: string, x: number, y: number, width: number): number {
  const height = doc.heightOfString(text, { width });
  doc.text(text, x, y, { width });
  return height;
}

export function rule(doc: Pdf, x1: number, x2: number, y: number, color: string = COLOR.rule): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(0.6).strokeColor(color).stroke();
}

export function band(doc: Pdf, x: number, y: number, width: number, height: number): void {
  doc.rect(x, y, width, height).fillColor(COLOR.band).fill();
}

/** Starts a continuation page when `height` does not fit below `y`; returns where to draw. */
export type NewPage = () => number;

export function ensureRoom(doc: Pdf, y: number, height: number, newPage: NewPage): number {
  return y + height <= contentBottom(doc) ? y : newPage();
}
