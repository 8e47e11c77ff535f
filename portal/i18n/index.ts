// The language of a portal page and how it writes words, dates, money and numbers: the message
// catalogue (./en.ts, ./nb.ts) and Intl for the locale (nb-NO: "3. januar 2027", "299,00 kr"),
// shared with the customer emails (domain/locale-format.ts).
import { LOCALES, perLanguage, type Language } from '../../domain/locale-format';
import { en, type MessageKey } from './en';
import { nb } from './nb';

export type { MessageKey } from './en';
export { formatter, type Format, type Language } from '../../domain/locale-format';

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, nb };

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

export const translator = perLanguage((language): Translate => {
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
