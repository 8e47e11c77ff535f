// Organisation numbers and VAT ids as people type them: compact() drops spaces, dots and dashes and
// upper-cases the rest before the checks of domain/tax/identifiers.ts run. The OpenAPI document
// describes the typed form, so its patterns allow whatever compact() removes or changes.

export const compact = (value: string) => value.replace(/[\s.-]/g, '').toUpperCase();

const SEPARATORS = '[\\s.-]*';

/** Nine digits, however grouped; the mod-11 check digit is beyond a pattern. */
export const ORGANIZATION_NUMBER_PATTERN = `^${SEPARATORS}(?:[0-9]${SEPARATORS}){9}$`;

/** Upper-cased into one capital letter: a-z, ı (I) and ſ (S). */
const ONE_LETTER = 'A-Za-z\\u0131\\u017F';
/** Upper-cased into two or more: ß (SS) and the ligatures ﬀ-ﬆ (ﬁ is FI, Finland's prefix). */
const LETTERS = '\\u00DF\\uFB00-\\uFB06';

/** Starts with two letters, its country prefix; each member state's format after it is beyond a readable pattern. */
export const VAT_ID_PATTERN = `^${SEPARATORS}(?:[${LETTERS}]|[${ONE_LETTER}]${SEPARATORS}[${ONE_LETTER}${LETTERS}])`;
