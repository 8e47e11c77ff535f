// The arithmetic an invoice document must satisfy before anything renders it. A receiver's
// validator checks the same sums (EN16931 BR-CO-10/14/15/16, BR-S-08…): failing here, at the
// seller, beats sending a document that every Peppol access point rejects.
import type { InvoiceDocument, VatCategoryCode } from '../domain/tax/types';

const key = (vatCategory: VatCategoryCode, rateBasisPoints: number) => `${vatCategory}@${rateBasisPoints}`;

function disagreement(doc: InvoiceDocument): string | null {
  const lineNet = doc.lines.reduce((sum, line) => sum + line.tax.netCents, 0);
  const summaryNet = doc.vatSummary.reduce((sum, row) => sum + row.netCents, 0);
  const summaryTax = doc.vatSummary.reduce((sum, row) => sum + row.taxCents, 0);
  if (lineNet !== doc.netCents) return `lines' net ${lineNet} ≠ netCents ${doc.netCents}`;
  if (summaryNet !== doc.netCents) return `VAT summary's net ${summaryNet} ≠ netCents ${doc.netCents}`;
  if (summaryTax !== doc.taxCents) return `VAT summary's tax ${summaryTax} ≠ taxCents ${doc.taxCents}`;
  if (doc.netCents + doc.taxCents !== doc.grossCents) return `netCents + taxCents ≠ grossCents ${doc.grossCents}`;
  if (doc.grossCents - doc.creditAppliedCents !== doc.amountDueCents) {
    return `grossCents − creditAppliedCents ≠ amountDueCents ${doc.amountDueCents}`;
  }

  const netByRow = new Map<string, number>();
  for (const row of doc.vatSummary) {
    const rowKey = key(row.vatCategory, row.rateBasisPoints);
    if (netByRow.has(rowKey)) return `two VAT summary rows for ${rowKey}`;
    netByRow.set(rowKey, 0);
  }
  for (const line of doc.lines) {
    const rowKey = key(line.tax.vatCategory, line.tax.rateBasisPoints);
    const sum = netByRow.get(rowKey);
    if (sum === undefined) return `line "${line.description}" is ${rowKey}, which has no VAT summary row`;
    netByRow.set(rowKey, sum + line.tax.netCents);
  }
  for (const row of doc.vatSummary) {
    const lines = netByRow.get(key(row.vatCategory, row.rateBasisPoints));
    if (lines !== row.netCents) return `VAT summary row ${key(row.vatCategory, row.rateBasisPoints)} nets ${row.netCents}, its lines ${lines}`;
  }
  return null;
}

/** Throws when the document's lines, VAT summary and totals do not add up. */
export function assertTotalsAgree(doc: InvoiceDocument): void {
  const problem = disagreement(doc);
  if (problem) throw new Error(`${doc.kind} ${doc.number} does not add up: ${problem}`);
}
