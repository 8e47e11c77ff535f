// An invoice's VAT, line by line: discounts take the tax codes of the lines they discount, lines
// spanning a rate change are split at it, each line is taxed at the rate of its date of supply
// (see rounding.ts for the rounding rule), and the summary and totals are sums of the lines.
import { spreadDiscounts } from './discount-spread';
import type { CodedLine, TaxableLine, TaxContext, TaxedInvoice, TaxedLine } from './lines';
import { type RateTable, rateFor, VAT_RATES } from './rates';
import { splitAtRateChanges } from './rate-change-split';
import { taxInGross, taxOnNet } from './rounding';
import { taxCountry, taxTreatment, vatCategoryFor } from './treatment';
import type { CountryCode, LineTax, TaxTreatment } from './types';
import { vatSummary } from './vat-summary';

export type { TaxableLine, TaxContext, TaxedInvoice, TaxedLine } from './lines';
export { legalNote } from './legal-note';

function chargesRates(treatment: TaxTreatment): boolean {
  return treatment === 'domestic' || treatment === 'oss';
}

function lineTax(line: CodedLine, rateBasisPoints: number, treatment: TaxTreatment): LineTax {
  const vatCategory = vatCategoryFor(treatment, rateBasisPoints, line.code.category);
  const amount = line.amountCents;
  // At 0 % both branches give tax 0 and net = gross = amount: an inclusive price is what the
  // customer pays even when no VAT is in it (as Stripe does).
  if (line.code.inclusive) {
    const taxCents = taxInGross(amount, rateBasisPoints);
    return { rateBasisPoints, vatCategory, netCents: amount - taxCents, taxCents, grossCents: amount };
  }
  const taxCents = taxOnNet(amount, rateBasisPoints);
  return { rateBasisPoints, vatCategory, netCents: amount, taxCents, grossCents: amount + taxCents };
}

function taxed(line: CodedLine, tax: LineTax): TaxedLine {
  const { code, ...rest } = line;
  return { ...rest, taxCategory: code.category, inclusive: code.inclusive, tax };
}

export function taxInvoiceLines(
  lines: readonly TaxableLine[],
  context: TaxContext,
  table: RateTable = VAT_RATES,
): TaxedInvoice {
  const treatment = taxTreatment(context.seller, context.buyer);
  const country: CountryCode = taxCountry(context.seller, context.buyer, treatment);
  const withRates = chargesRates(treatment);

  const supplies = spreadDiscounts(lines).flatMap((line) => (withRates ? splitAtRateChanges(line, country, table) : [line]));
  const taxedLines = supplies.map((line) => {
    const rate = withRates ? rateFor(country, line.code.category, line.periodStart || context.issuedAt, table) : 0;
    return taxed(line, lineTax(line, rate, treatment));
  });

  const sum = (field: 'netCents' | 'taxCents' | 'grossCents'): number =>
    taxedLines.reduce((total, line) => total + line.tax[field], 0);
  return {
    treatment,
    lines: taxedLines,
    vatSummary: vatSummary(taxedLines),
    netCents: sum('netCents'),
    taxCents: sum('taxCents'),
    grossCents: sum('grossCents'),
  };
}
