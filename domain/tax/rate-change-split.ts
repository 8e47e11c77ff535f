// VAT is due at the rate in force on the date of supply, so a line whose service period spans a
// rate change is two supplies: it is split at each change, its amount shared in proportion to
// the time on either side (largest remainder, so the parts sum to the amount).
import { allocateProportionally } from './allocation';
import type { CodedLine } from './lines';
import { type RateTable, rateChangesBetween } from './rates';
import type { CountryCode } from './types';

export function splitAtRateChanges(line: CodedLine, country: CountryCode, table: RateTable): CodedLine[] {
  const { periodStart, periodEnd } = line;
  if (!periodStart || !periodEnd) return [line];
  const changes = rateChangesBetween(country, line.code.category, periodStart, periodEnd, table);
  if (changes.length === 0) return [line];

  const boundaries = [periodStart, ...changes, periodEnd];
  const spans = boundaries.slice(1).map((end, index) => ({ start: boundaries[index]!, end }));
  const amounts = allocateProportionally(
    line.amountCents,
    spans.map((span) => Date.parse(span.end) - Date.parse(span.start)),
  );
  return spans.map((span, index) => ({ ...line, amountCents: amounts[index]!, periodStart: span.start, periodEnd: span.end }));
}
