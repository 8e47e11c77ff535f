// An invoice's VAT summary: the lines sharing a category and rate, summed (never recomputed on
// the sums, so the rows add up to the lines), highest rate first.
import type { LineTax, VatCategoryCode, VatSummaryRow } from './types';

const CATEGORY_ORDER: readonly VatCategoryCode[] = ['S', 'Z', 'E', 'AE', 'G', 'O'];

/** Of an invoice's taxed lines, or of a credit note's. */
export function vatSummary(lines: ReadonlyArray<{ tax: LineTax }>): VatSummaryRow[] {
  const rows = new Map<string, VatSummaryRow>();
  for (const { tax } of lines) {
    const key = `${tax.vatCategory}/${tax.rateBasisPoints}`;
    const row = rows.get(key) ?? { vatCategory: tax.vatCategory, rateBasisPoints: tax.rateBasisPoints, netCents: 0, taxCents: 0 };
    row.netCents += tax.netCents;
    row.taxCents += tax.taxCents;
    rows.set(key, row);
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.rateBasisPoints - a.rateBasisPoints || CATEGORY_ORDER.indexOf(a.vatCategory) - CATEGORY_ORDER.indexOf(b.vatCategory),
  );
}
