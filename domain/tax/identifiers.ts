// Checks of the identifiers printed on invoices: Norwegian organisation numbers, EU VAT ids,
// bank accounts. They catch typing mistakes before an invoice is issued with them; whether a
// number is actually registered (Brønnøysund, VIES) is for activities to ask.

/** Mod-11 check digit with the given weights, or null where none exists (remainder 1). */
function mod11CheckDigit(digits: string, weights: readonly number[]): number | null {
  const sum = weights.reduce((total, weight, index) => total + weight * Number(digits[index]), 0);
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return null;
  return 11 - remainder;
}

const ORGANIZATION_NUMBER_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
const ACCOUNT_NUMBER_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function hasMod11CheckDigit(digits: string, weights: readonly number[]): boolean {
  return mod11CheckDigit(digits, weights) === Number(digits[weights.length]);
}

/** Nine digits, the last a mod-11 check digit (Brønnøysundregistrene's rule). */
export function isNorwegianOrganizationNumber(s: string): boolean {
  return /^\d{9}$/.test(s) && hasMod11CheckDigit(s, ORGANIZATION_NUMBER_WEIGHTS);
}

/** '923609016' → '923 609 016', as printed on Norwegian invoices; anything else unchanged. */
export function formatOrganizationNumber(s: string): string {
  return /^\d{9}$/.test(s) ? `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}` : s;
}

/** The national part after each member state's VAT prefix, with the shape described for messages. */
const EU_VAT_ID_FORMATS: Readonly<Record<string, { pattern: RegExp; shape: string }>> = {
  AT: { pattern: /^U\d{8}$/, shape: 'U followed by 8 digits' },
  BE: { pattern: /^[01]\d{9}$/, shape: '10 digits starting with 0 or 1' },
  BG: { pattern: /^\d{9,10}$/, shape: '9 or 10 digits' },
  CY: { pattern: /^\d{8}[A-Z]$/, shape: '8 digits and a letter' },
  CZ: { pattern: /^\d{8,10}$/, shape: '8 to 10 digits' },
  DE: { pattern: /^\d{9}$/, shape: '9 digits' },
  DK: { pattern: /^\d{8}$/, shape: '8 digits' },
  EE: { pattern: /^\d{9}$/, shape: '9 digits' },
  EL: { pattern: /^\d{9}$/, shape: '9 digits' },
  ES: { pattern: /^(?=.*[A-Z])[A-Z0-9]\d{7}[A-Z0-9]$/, shape: '9 characters: a letter or digit, 7 digits, a letter or digit, at least one a letter' },
  FI: { pattern: /^\d{8}$/, shape: '8 digits' },
  FR: { pattern: /^[A-Z0-9]{2}\d{9}$/, shape: '2 letters or digits and 9 digits' },
  HR: { pattern: /^\d{11}$/, shape: '11 digits' },
  HU: { pattern: /^\d{8}$/, shape: '8 digits' },
  IE: { pattern: /^\d[A-Z0-9+*]\d{5}[A-Z]{1,2}$/, shape: '8 or 9 characters: a digit, a letter, digit, + or *, 5 digits and 1 or 2 letters' },
  IT: { pattern: /^\d{11}$/, shape: '11 digits' },
  LT: { pattern: /^(\d{9}|\d{12})$/, shape: '9 or 12 digits' },
  LU: { pattern: /^\d{8}$/, shape: '8 digits' },
  LV: { pattern: /^\d{11}$/, shape: '11 digits' },
  MT: { pattern: /^\d{8}$/, shape: '8 digits' },
  NL: { pattern: /^\d{9}B\d{2}$/, shape: '9 digits, B and 2 digits' },
  PL: { pattern: /^\d{10}$/, shape: '10 digits' },
  PT: { pattern: /^\d{9}$/, shape: '9 digits' },
  RO: { pattern: /^[1-9]\d{1,9}$/, shape: '2 to 10 digits, not starting with 0' },
  SE: { pattern: /^\d{10}01$/, shape: '12 digits ending in 01' },
  SI: { pattern: /^\d{8}$/, shape: '8 digits' },
  SK: { pattern: /^\d{10}$/, shape: '10 digits' },
};

/** Null for a well-formed EU VAT id (prefix and national format; no spaces), else what is wrong. */
export function euVatIdProblem(s: string): string | null {
  if (/\s/.test(s)) return 'A VAT id is written without spaces';
  const prefix = s.slice(0, 2);
  const national = s.slice(2);
  if (!/^[A-Z]{2}$/.test(prefix)) return 'A VAT id starts with its two-letter country prefix in capitals (SE, DE, EL for Greece…)';
  if (prefix === 'GR') return 'Greek VAT ids start with EL, not GR';
  const format = EU_VAT_ID_FORMATS[prefix];
  if (!format) return `${prefix} is not the VAT prefix of an EU member state`;
  if (!format.pattern.test(national)) return `A ${prefix} VAT id is ${prefix} followed by ${format.shape}`;
  return null;
}

/** IBAN lengths of the EU and EEA countries, the UK, Switzerland and their neighbours that use SEPA. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FO: 18, FR: 27, GB: 22, GI: 23, GL: 18, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21,
  LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19,
  SK: 24, SM: 27, VA: 22,
};

/** ISO 13616: the country and check digits moved to the end, letters as 10–35, mod 97 is 1. */
function hasIbanChecksum(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = Number.parseInt(character, 36);
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

function ibanProblem(iban: string): string | null {
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return `IBANs from ${country} are not accepted (known: EU/EEA, GB, CH and SEPA neighbours)`;
  if (iban.length !== length) return `A ${country} IBAN has ${length} characters, this has ${iban.length}`;
  if (!hasIbanChecksum(iban)) return 'The IBAN\'s check digits do not match: a character is mistyped';
  return null;
}

/** Null for a valid IBAN or Norwegian 11-digit account number (kontonummer), else what is wrong. */
export function bankAccountProblem(s: string): string | null {
  if (/\s|\./.test(s)) return 'A bank account is written without spaces or dots';
  if (/^\d{11}$/.test(s)) {
    return hasMod11CheckDigit(s, ACCOUNT_NUMBER_WEIGHTS) ? null : 'The account number\'s check digit does not match: a digit is mistyped';
  }
  if (/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return ibanProblem(s);
  return 'A bank account is an IBAN (two letters, two check digits, then letters and digits) or a Norwegian 11-digit account number';
}
