// The language of a portal page and how it writes words, dates, money and numbers: the message
// catalogue (./en.ts, ./nb.ts) and Intl for the locale (nb-NO: "3. januar 2027", "299,00 kr").
import { decimalAmount, minorUnitDigits } from '../../domain/money';
import type { DocumentLanguage } from '../../domain/tax/types';
import { en, type MessageKey } from './en';
import { nb } from './nb';

export type Language = DocumentLanguage;
export type { MessageKey } from './en';

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, nb };
const LOCALES: Record<Language, string> = { nb: 'nb-NO', en: 'en-GB' };

/** Norwegian in any written form reads best in bokmål; any other language gets English. */
const ACCEPTED: Record<string, Language> = { nb: 'nb', no: 'nb', nn: 'nb', en: 'en' };

/** The first language of an Accept-Language header that the portal speaks, by preference (q). */
export function acceptedLanguage(header: string | undefined): Language | null {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.primary !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => ACCEPTED[entry.primary]).find((language) => language !== undefined) ?? null;
}

/** The customer's billing profile decides; else the browser's languages; else English. */
export function chooseLanguage(profileLanguage: Language | null | undefined, acceptLanguage: string | undefined): Language {
  return profileLanguage ?? acceptedLanguage(acceptLanguage) ?? 'en';
}

export interface Translate {
  (key: MessageKey, values?: Record<string, string | number>): string;
  /** `base.one` or `base.other` by the language's plural rules for `count`, which fills `{count}`. */
  plural(base: string, count: number, values?: Record<string, string | number>): string;
}

export interface Format {
  /** A calendar date in words, in the subscription's time zone (UTC when none is given). */
  date(iso: string, timeZone?: string): string;
  money(amountCents: number, currency: string): string;
  number(value: number): string;
  /** 20 → "20 %" (nb) or "20%" (en). */
  percent(whole: number): string;
}

/** Built once per language: Intl objects are slow to make and safe to share. */
function once<T>(make: (language: Language) => T): (language: Language) => T {
  const made = new Map<Language, T>();
  return (language) => {
    let value = made.get(language);
    if (value === undefined) made.set(language, (value = make(language)));
    return value;
  };
}

export const translator = once((language): Translate => {
  const catalogue = CATALOGUES[language];
  const plurals = new Intl.PluralRules(LOCALES[language]);
  const fill = (text: string, values: Record<string, string | number>) =>
    text.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
  const t = ((key, values = {}) => fill(catalogue[key], values)) as Translate;
  t.plural = (base, count, values = {}) => {
    const key = `${base}.${plurals.select(count) === 'one' ? 'one' : 'other'}`;
    if (!(key in catalogue)) throw new Error(`no message ${key}`);
    return fill(catalogue[key as MessageKey], { count, ...values });
  };
  return t;
});

export const formatter = once((language): Format => {
  const locale = LOCALES[language];
  const dates = new Map<string, Intl.DateTimeFormat>();
  const currencies = new Map<string, Intl.NumberFormat>();
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    date(iso, timeZone = 'UTC') {
      let format = dates.get(timeZone);
      if (!format) dates.set(timeZone, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone })));
      return format.format(new Date(iso));
    },
    money(amountCents, currency) {
      let format = currencies.get(currency);
      if (!format) {
        const digits = minorUnitDigits(currency);
        currencies.set(currency, (format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits })));
      }
      return format.format(Number(decimalAmount(amountCents, currency)));
    },
    number: (value) => numbers.format(value),
    percent: (whole) => percents.format(whole / 100),
  };
});
