// How UBL writes the engine's values: amounts as decimals in the currency's minor-unit digits,
// rates as percentages, instants as calendar dates in the seller's time zone.
import { assertMinorUnits, decimalAmount as minorToDecimal } from '../domain/money';
import { leaf, type XmlElement } from './xml';

/** 12345 NOK → "123.45", -5 NOK → "-0.05", 1000 JPY → "1000"; a fraction of a minor unit is refused. */
export function decimalAmount(amountCents: number, currency: string): string {
  assertMinorUnits(amountCents);
  return minorToDecimal(amountCents, currency);
}

/** An amount element: every UBL amount names its currency. */
export function amount(name: string, amountCents: number, currency: string): XmlElement {
  return leaf(name, decimalAmount(amountCents, currency), { currencyID: currency.toUpperCase() })!;
}

/** 2500 → "25", 1250 → "12.5", 0 → "0": integer arithmetic, no binary fractions. */
export function percent(rateBasisPoints: number): string {
  if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0) throw new RangeError(`not a VAT rate in basis points: ${rateBasisPoints}`);
  const whole = Math.trunc(rateBasisPoints / 100);
  const hundredths = rateBasisPoints % 100;
  return hundredths === 0 ? String(whole) : `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')}`;
}

/** The calendar date (YYYY-MM-DD) that clocks in `timeZone` show at the instant `iso`. */
export function calendarDate(iso: string, timeZone: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an ISO date: ${iso}`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The last day of a period whose end is exclusive (the next period's first instant), as the
 * inclusive end date UBL means; a period that ends where it starts ends on its first day.
 */
export function lastDay(startIso: string, endIso: string, timeZone: string): string {
  const endMs = new Date(endIso).getTime();
  const startMs = new Date(startIso).getTime();
  return calendarDate(new Date(Math.max(startMs, endMs - 1)).toISOString(), timeZone);
}

/** A date the engine may hold as a plain date (due dates) or as an instant. */
export function documentDate(value: string, timeZone: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : calendarDate(value, timeZone);
}
