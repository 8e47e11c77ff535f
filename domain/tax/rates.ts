// Which VAT rate applies to a category in a country at an instant, read from a rate table (the
// built-in one unless a caller, typically a test simulating a future change, passes its own).
import { type CountryRates, type RateEntry, type RateTable, VAT_RATES } from './rate-table';
import type { CountryCode, TaxCategory } from './types';

export { type CountryRates, type RateEntry, type RateTable, VAT_RATES } from './rate-table';

/** The 27 member states by ISO 3166 code (Greece is GR here; its VAT ids use the prefix EL). */
export const EU_MEMBER_STATES: readonly CountryCode[] = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
];

export function isEuMember(country: CountryCode): boolean {
  return EU_MEMBER_STATES.includes(country.toUpperCase());
}

function instant(iso: string, what: string): number {
  const milliseconds = Date.parse(iso);
  if (Number.isNaN(milliseconds)) throw new RangeError(`${what} is not an ISO date or date-time: "${iso}"`);
  return milliseconds;
}

function countryRates(country: CountryCode, table: RateTable): CountryRates {
  const rates = table[country.toUpperCase()];
  if (!rates) throw new RangeError(`No VAT rates are known for country "${country}"`);
  return rates;
}

/** The entries of a category, oldest first; exempt has none (it is 0 % everywhere). */
function schedule(rates: CountryRates, category: TaxCategory): { at: number; basisPoints: number }[] {
  if (category === 'exempt') return [];
  const entries: readonly RateEntry[] = rates[category] ?? rates.standard;
  return entries
    .map((entry) => ({ at: instant(entry.validFrom, 'validFrom'), basisPoints: entry.basisPoints }))
    .sort((a, b) => a.at - b.at);
}

/** The rate in basis points of the entry with the latest validFrom at or before `at`. */
export function rateFor(country: CountryCode, category: TaxCategory, at: string, table: RateTable = VAT_RATES): number {
  const rates = countryRates(country, table);
  if (category === 'exempt') return 0;
  const entries = schedule(rates, category);
  const moment = instant(at, 'at');
  const current = entries.filter((entry) => entry.at <= moment).at(-1);
  if (!current) throw new RangeError(`No ${category} VAT rate is known for ${country} at ${at}`);
  return current.basisPoints;
}

/**
 * The instants strictly inside (start, end) at which the category's rate changes. An entry that
 * repeats the rate before it is no change and is left out: it would split lines for nothing.
 */
export function rateChangesBetween(
  country: CountryCode,
  category: TaxCategory,
  start: string,
  end: string,
  table: RateTable = VAT_RATES,
): string[] {
  const entries = schedule(countryRates(country, table), category);
  const from = instant(start, 'start');
  const to = instant(end, 'end');
  return entries
    .filter((entry, index) => index > 0 && entry.basisPoints !== entries[index - 1]!.basisPoints)
    .filter((entry) => entry.at > from && entry.at < to)
    .map((entry) => new Date(entry.at).toISOString());
}
