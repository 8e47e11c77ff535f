// Peppol identifiers of a party: its electronic address (EndpointID, an EAS scheme code) and its
// legal registration id (PartyLegalEntity/CompanyID, an ICD scheme code). Only codes on the Peppol
// EAS list in force are used: the retired Swedish VAT code 9955, for one, is rejected.
import type { CountryCode } from '../domain/tax/types';

export interface Identifier {
  id: string;
  /** Absent when the issuing register has no code on the ICD list. */
  schemeID?: string;
}

export type SchemedId = Required<Identifier>;

export interface PartyIds {
  country: CountryCode;
  organizationNumber?: string | null;
  vatId?: string | null;
  email?: string | null;
}

/** National company registers whose numbers are both an ICD and an EAS code. */
const COMPANY_REGISTER_SCHEME: Record<string, string> = {
  NO: '0192', // Enhetsregisteret (Brønnøysund)
  SE: '0007', // Organisationsnummer (Bolagsverket)
  DK: '0184', // CVR
};

/** EAS codes for VAT numbers, written with their country prefix, by that prefix. */
const VAT_NUMBER_SCHEME: Record<string, string> = {
  AT: '9914', BE: '9925', BG: '9926', CH: '9927', CY: '9928', CZ: '9929', DE: '9930', EE: '9931',
  EL: '9933', ES: '9920', FR: '9957', GB: '9932', HR: '9934', HU: '9910', IE: '9935', LT: '9937',
  LU: '9938', LV: '9939', MT: '9943', NL: '9944', PL: '9945', PT: '9946', RO: '9947', SI: '9949',
  SK: '9950',
};

const compact = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/** The company register number inside a VAT number, where the VAT number is built from it. */
function registerNumberInVatId(vatId: string): SchemedId | null {
  const norwegian = /^NO(\d{9})MVA$/.exec(vatId); // NO + organisasjonsnummer + MVA
  if (norwegian) return { id: norwegian[1]!, schemeID: COMPANY_REGISTER_SCHEME.NO! };
  const swedish = /^SE(\d{10})01$/.exec(vatId); // SE + organisationsnummer + 01
  if (swedish) return { id: swedish[1]!, schemeID: COMPANY_REGISTER_SCHEME.SE! };
  const danish = /^DK(\d{8})$/.exec(vatId); // DK + CVR
  if (danish) return { id: danish[1]!, schemeID: COMPANY_REGISTER_SCHEME.DK! };
  return null;
}

export function legalRegistrationId({ country, organizationNumber }: PartyIds): Identifier | null {
  if (!organizationNumber) return null;
  const scheme = COMPANY_REGISTER_SCHEME[country.toUpperCase()];
  return scheme ? { id: compact(organizationNumber), schemeID: scheme } : { id: compact(organizationNumber) };
}

/**
 * Where Peppol delivers to the party: its company register number, else an address built from its
 * VAT number, else its e-mail (EAS "EM"). Null when the party has none of them.
 */
export function electronicAddress(party: PartyIds): SchemedId | null {
  const registration = legalRegistrationId(party);
  if (registration?.schemeID) return { id: registration.id, schemeID: registration.schemeID };
  if (party.vatId) {
    const vatId = compact(party.vatId);
    const fromRegister = registerNumberInVatId(vatId);
    if (fromRegister) return fromRegister;
    const scheme = VAT_NUMBER_SCHEME[vatId.slice(0, 2)];
    if (scheme) return { id: vatId, schemeID: scheme };
  }
  return party.email ? { id: party.email.trim(), schemeID: 'EM' } : null;
}

/** A Norwegian VAT-registered business's VAT identifier: NO + organisation number + MVA (rule NO-R-001). */
export function norwegianVatId(organizationNumber: string): string {
  return `NO${compact(organizationNumber)}MVA`;
}
