// How a language writes dates, money, numbers and percentages: Intl for its locale (nb-NO:
// "9. desember 2026", "1 234,50 kr"; en-GB: "9 December 2026", "NOK 1,234.50"). Shared by the
// customer portal's pages and the customer emails, so both write a customer's facts alike.
import { decimalAmount, minorUnitDigits } from './money';
import type { DocumentLanguage } from './tax/types';

export type Language = DocumentLanguage;

export const LOCALES: Record<Language, string> = { nb: 'nb-NO', en: 'en-GB' };

export interface Format {
  /** A calendar date in words, in the subscription's time zone (UTC when none is given). */
  date(iso: string, timeZone?: string): string;
  /** A date with the time to the minute and the zone's name: "9. desember 2026 kl. 11:17 CET". */
  dateTime(iso: string, timeZone?: string): string;
  /** A calendar month in words: "desember 2026". */
  month(year: number, month: number): string;
  money(amountCents: number, currency: string): string;
  number(value: number): string;
  /** 20 → "20 %" (nb) or "20%" (en). */
  percent(whole: number): string;
}

/** Made once per key (a language, a time zone, a currency): Intl objects are slow to make and safe to share. */
function memoized<K, T>(make: (key: K) => T): (key: K) => T {
  const made = new Map<K, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
}

/** Built once per language. */
export const perLanguage = <T>(make: (language: Language) => T): ((language: Language) => T) => memoized(make);

export const formatter = perLanguage((language): Format => {
  const locale = LOCALES[language];
  const dates = memoized((timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }));
  const dateTimes = memoized(
    (timeZone: string) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone }),
  );
  const months = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const currencies = memoized((currency: string) => {
    const digits = minorUnitDigits(currency);
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  });
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    date: (iso, timeZone = 'UTC') => dates(timeZone).format(new Date(iso)),
    dateTime: (iso, timeZone = 'UTC') => dateTimes(timeZone).format(new Date(iso)),
    month: (year, month) => months.format(new Date(Date.UTC(year, month - 1, 1))),
    money: (amountCents, currency) => currencies(currency).format(Number(decimalAmount(amountCents, currency))),
    number: (value) => numbers.format(value),
    percent: (whole) => percents.format(whole / 100),
  };
});
