// A table of text cells: a shaded header, rows whose left-aligned cells wrap, right-aligned
// cells (numbers) on one line. A row that does not fit starts a new page, which repeats the header.
import {
  band,
  CELL_PADDING,
  COLOR,
  contentBottom,
  FONT,
  type NewPage,
  type Pdf,
  paragraphAt,
  rule,
  SIZE,
  textRightAt,
  useFont,
} from './pdf-canvas';

export interface Column {
  header: string;
  width: number;
  align: 'left' | 'right';
}

function rowHeight(doc: Pdf, columns: readonly Column[], cells: readonly string[]): number {
  const heights = columns.map((column, index) =>
    doc.heightOfString(cells[index] ?? '', { width: column.width - 2 * CELL_PADDING }),
  );
  return Math.max(...heights) + 2 * CELL_PADDING;
}

function drawCells(doc: Pdf, columns: readonly Column[], cells: readonly string[], x: number, y: number): void {
  let left = x;
  columns.forEach((column, index) => {
    const text = cells[index] ?? '';
    const inner = column.width - 2 * CELL_PADDING;
    if (column.align === 'right') {
      // Headers of number columns may wrap; numbers fit one line by the columns' widths.
      if (doc.widthOfString(text) > inner) doc.text(text, left + CELL_PADDING, y + CELL_PADDING, { width: inner, align: 'right' });
      else textRightAt(doc, text, left + column.width - CELL_PADDING, y + CELL_PADDING);
    } else {
      paragraphAt(doc, text, left + CELL_PADDING, y + CELL_PADDING, inner);
    }
    left += column.width;
  });
}

function drawHeader(doc: Pdf, columns: readonly Column[], x: number, y: number): number {
  useFont(doc, FONT.bold, SIZE.small);
  const headers = columns.map((column) => column.header);
  const height = rowHeight(doc, columns, headers);
  band(doc, x, y, tableWidth(columns), height);
  useFont(doc, FONT.bold, SIZE.small);
  drawCells(doc, columns, headers, x, y);
  return y + height;
}

function tableWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, column) => sum + column.width, 0);
}

/** Draws the table from `y`; returns the y under its last row. */
export function drawTable(doc: Pdf, columns: readonly Column[], rows: readonly string[][], x: number, y: number, newPage: NewPage): number {
  useFont(doc, FONT.bold, SIZE.small);
  const headerHeight = rowHeight(doc, columns, columns.map((column) => column.header));
  useFont(doc, FONT.regular, SIZE.body);
  const firstRowHeight = rows[0] ? rowHeight(doc, columns, rows[0]) : 0;
  // Never leave a header alone at the bottom of a page.
  let top = drawHeader(doc, columns, x, y + headerHeight + firstRowHeight <= contentBottom(doc) ? y : newPage());
  for (const row of rows) {
    useFont(doc, FONT.regular, SIZE.body);
    const height = rowHeight(doc, columns, row);
    if (top + height > contentBottom(doc)) {
      top = drawHeader(doc, columns, x, newPage());
      useFont(doc, FONT.regular, SIZE.body);
    }
    drawCells(doc, columns, row, x, top);
    top += height;
    rule(doc, x, x + tableWidth(columns), top, COLOR.rule);
  }
  return top;
}
