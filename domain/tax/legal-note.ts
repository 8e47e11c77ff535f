// The statement an invoice must print when it charges no VAT, or another country's VAT: it tells
// the buyer why, and under reverse charge that the VAT is theirs to account for.
import type { DocumentLanguage, TaxTreatment } from './types';

const NOTES: Record<Exclude<TaxTreatment, 'domestic' | 'exempt'>, Record<DocumentLanguage, string>> = {
  reverse_charge: {
    nb: 'Omvendt avgiftsplikt – kjøper skal beregne merverdiavgift',
    en: 'Reverse charge – VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)',
  },
  export: {
    nb: 'Utførsel av tjenester – ikke merverdiavgiftspliktig (mval. § 6-22)',
    en: 'Export of services – outside the scope of Norwegian VAT',
  },
  oss: {
    nb: 'Merverdiavgift etter kjøpers land (OSS)',
    en: "VAT charged at the rate of the customer's country (One-Stop Shop)",
  },
  not_registered: {
    nb: 'Selger er ikke registrert i Merverdiavgiftsregisteret',
    en: 'The seller is not registered for VAT',
  },
};

const EXEMPT: Record<DocumentLanguage, string> = { nb: 'Fritatt for merverdiavgift', en: 'Exempt from VAT' };

/** The wording for the treatment, or null when an ordinary domestic invoice needs none. */
export function legalNote(treatment: TaxTreatment, language: DocumentLanguage, exemptionReason?: string | null): string | null {
  if (treatment === 'domestic') return null;
  if (treatment === 'exempt') {
    const reason = exemptionReason?.trim();
    return reason ? `${EXEMPT[language]}: ${reason}` : EXEMPT[language];
  }
  return NOTES[treatment][language];
}
