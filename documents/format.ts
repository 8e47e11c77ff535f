// How dates, amounts, rates and identifiers are written on documents, in Norwegian bokmål and
// English. Integer arithmetic only: an amount is printed from its minor units, never a float.
import { minorUnitDigits } from '../domain/money';
import type { CountryCode, DocumentLanguage } from '../domain/tax/types';

/**
 * The calendar date of an ISO date or date-time, in UTC like every date the engine computes, so
 * the PDF and the EHF of one invoice agree: nb "03.12.2026", en "2026-12-03".
 */
export function formatDate(iso: string, language: DocumentLanguage): string {
  const day = new Date(iso).toISOString().slice(0, 10);
  if (language === 'en') return day;
  const [year, month, date] = day.split('-');
  return `${date}.${month}.${year}`;
}

/**
 * A period as its first and last day. Periods end where the next begins (exclusive), so the last
 * day supplied is the one before a midnight end; printing the end itself would make consecutive
 * invoices overlap by a day.
 */
export function formatPeriod(start: string, end: string, language: DocumentLanguage): string {
  const startMs = Date.parse(start);
  const lastDayMs = Math.max(startMs, Date.parse(end) - 1);
  return `${formatDate(new Date(startMs).toISOString(), language)}–${formatDate(new Date(lastDayMs).toISOString(), language)}`;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** An amount without its currency, for table cells under a currency caption: nb "1 234,50", en "1,234.50". */
export function formatAmount(amountCents: number, currency: string, language: DocumentLanguage): string {
  const digits = minorUnitDigits(currency);
  const sign = amountCents < 0 ? '-' : '';
  const absolute = Math.abs(amountCents);
  const major = String(Math.floor(absolute / 10 ** digits));
  const minor = String(absolute % 10 ** digits).padStart(digits, '0');
  const [thousands, decimal] = language === 'nb' ? [' ', ','] : [',', '.'];
  return `${sign}${groupThousands(major, thousands)}${digits > 0 ? decimal + minor : ''}`;
}

/** An amount with its currency code: nb "1 234,50 NOK", en "NOK 1,234.50". */
export function formatMoney(amountCents: number, currency: string, language: DocumentLanguage): string {
  const code = currency.toUpperCase();
  const amount = formatAmount(amountCents, currency, language);
  return language === 'nb' ? `${amount} ${code}` : `${code} ${amount}`;
}

/** A VAT rate from basis points: nb "25 %", "12,5 %"; en "25%", "12.5%". */
export function formatRate(rateBasisPoints: number, language: DocumentLanguage): string {
  const whole = Math.trunc(rateBasisPoints / 100);
  const fraction = String(Math.abs(rateBasisPoints % 100)).padStart(2, '0').replace(/0+$/, '');
  const decimal = language === 'nb' ? ',' : '.';
  const number = fraction ? `${whole}${decimal}${fraction}` : String(whole);
  return language === 'nb' ? `${number} %` : `${number}%`;
}

export function formatQuantity(quantity: number, language: DocumentLanguage): string {
  const text = String(quantity);
  return language === 'nb' ? text.replace('.', ',') : text;
}

/** Norwegian organisation numbers in groups of three ("923 609 016"); other ids as given. */
export { formatOrganizationNumber } from '../domain/tax/identifiers';

/** A Norwegian 11-digit account as banks print it ("1234 56 78903"), an IBAN in groups of four. */
export function formatBankAccount(account: string): string {
  const compact = account.replace(/\s/g, '').toUpperCase();
  if (/^\d{11}$/.test(compact)) return compact.replace(/^(\d{4})(\d{2})(\d{5})$/, '$1 $2 $3');
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

export function isIban(account: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(account.replace(/\s/g, '').toUpperCase());
}

export function countryName(country: CountryCode, language: DocumentLanguage): string {
  return new Intl.DisplayNames([language], { type: 'region' }).of(country.toUpperCase()) ?? country;
}
