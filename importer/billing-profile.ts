// The optional billing-profile columns of an import file, as the `customer.billingProfile` the API
// takes (api/schemas/billing-profile.ts). A row has a profile when it has a legal name; the API
// checks the identifiers, this file only what a row needs before it can be sent at all.
import type { CsvRow } from './csv';

export const BILLING_PROFILE_COLUMNS = [
  'legal_name',
  'customer_type',
  'organization_number',
  'vat_id',
  'address_line1',
  'address_line2',
  'postal_code',
  'city',
  'country',
  'tax_exemption_reason',
  'language',
] as const;

/** An invoice is addressed to a postal address: without one there is no profile to send. */
const ADDRESS_COLUMNS = ['address_line1', 'postal_code', 'city', 'country'] as const;

/** The API's names for the profile's fields (after `customer.billingProfile.`), back to the file's columns. */
const COLUMN_OF_PROFILE_FIELD: Record<string, string> = {
  legalName: 'legal_name',
  kind: 'customer_type',
  organizationNumber: 'organization_number',
  vatId: 'vat_id',
  address: 'address_line1',
  'address.lines': 'address_line1',
  'address.lines.0': 'address_line1',
  'address.lines.1': 'address_line2',
  'address.postalCode': 'postal_code',
  'address.city': 'city',
  'address.country': 'country',
  taxExemptionReason: 'tax_exemption_reason',
  language: 'language',
};

/** The column an API field of the profile came from: `customer.billingProfile.address.city` → `city`. */
export function profileColumnOf(field: string): string | undefined {
  const match = /^customer\.billingProfile\.(.+)$/.exec(field);
  return match ? COLUMN_OF_PROFILE_FIELD[match[1]!] : undefined;
}

/** What keeps a row's profile from being sent, as `line 7, postal_code: …` messages. */
export function billingProfileProblems({ line, values }: CsvRow): string[] {
  if (!values.legal_name) {
    const stray = BILLING_PROFILE_COLUMNS.filter((column) => values[column] !== undefined);
    // Filled profile cells without a legal name would be dropped without a word: say so instead.
    return stray.length > 0 ? [`line ${line}, legal_name: required when ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} filled in`] : [];
  }
  return ADDRESS_COLUMNS.filter((column) => !values[column]).map((column) => `line ${line}, ${column}: required when legal_name is filled in`);
}

/**
 * The row's billing profile, or undefined without a legal name. Without customer_type, a row with
 * an organisation number or VAT id is a business, any other a consumer.
 */
export function billingProfileOf({ values }: CsvRow) {
  if (!values.legal_name) return undefined;
  const identified = values.organization_number !== undefined || values.vat_id !== undefined;
  return {
    legalName: values.legal_name,
    kind: values.customer_type ?? (identified ? 'business' : 'consumer'),
    ...(values.organization_number ? { organizationNumber: values.organization_number } : {}),
    ...(values.vat_id ? { vatId: values.vat_id } : {}),
    address: {
      lines: [values.address_line1, values.address_line2].filter((part): part is string => part !== undefined),
      postalCode: values.postal_code,
      city: values.city,
      // Spreadsheets often have `no` or `se`: the API takes ISO codes in capitals.
      country: values.country?.toUpperCase(),
    },
    ...(values.tax_exemption_reason ? { taxExemptionReason: values.tax_exemption_reason } : {}),
    ...(values.language ? { language: values.language } : {}),
  };
}
