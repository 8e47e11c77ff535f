// Database rows as JSON, shared by API answers and webhook payloads: dates as ISO-8601 UTC (null
// stays null), money as minor units.
import type { InvoiceLine } from '../prisma/generated/client';

export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function invoiceLineJson(line: InvoiceLine) {
  return {
    kind: line.kind,
    description: line.description,
    quantity: line.quantity,
    amountCents: line.amountCents,
    periodStart: isoOrNull(line.periodStart),
    periodEnd: isoOrNull(line.periodEnd),
    netCents: line.netCents ?? line.amountCents,
    taxCents: line.taxCents ?? 0,
    taxRateBasisPoints: line.taxRateBasisPoints ?? 0,
    vatCategory: line.vatCategory,
  };
}
