// A customer's billing profile as the API takes it (and shows it): who invoices are addressed to
// and how they are taxed. Identifiers are checked here, so no invoice is ever finalized with a
// malformed organisation number or VAT id.
import { z } from 'zod';
import { euVatIdProblem, isNorwegianOrganizationNumber } from '../../domain/tax/identifiers';
import { compact, ORGANIZATION_NUMBER_PATTERN, VAT_ID_PATTERN } from './typed-identifiers';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Codes Intl names that are no country: user-assigned ranges (but Kosovo's XK), the EU, the UN, UK for GB. */
const NOT_COUNTRIES = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN|UK)$/;
/** ISO 3166-1 alpha-2 as Intl knows them (an unknown code is echoed back). */
const isCountryCode = (code: string) => /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.test(code) && regionNames.of(code) !== code;
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
/** The codes isCountryCode accepts, listed for the document: JSON Schema has no Intl lookup, but an enum says the same. */
export const COUNTRY_CODES = LETTERS.flatMap((first) => LETTERS.map((second) => first + second)).filter(isCountryCode);

export const postalAddress = z.strictObject({
  lines: z.array(z.string().trim().min(1).max(200)).min(1).max(4).describe('Street lines'),
  postalCode: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(100),
  country: z
    .string()
    .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code such as NO')
    .meta({ enum: COUNTRY_CODES })
    .describe('ISO 3166-1 alpha-2, e.g. `NO`'),
});

/** What the superRefine below checks that JSON Schema can say, for the document; the VAT id's country against the address's it cannot. */
const PROFILE_RULES = {
  if: { properties: { kind: { const: 'consumer' } } },
  then: { description: 'A consumer has no organisation number or VAT id', properties: { organizationNumber: { type: 'null' }, vatId: { type: 'null' } } },
  else: {
    if: { required: ['address'], properties: { address: { required: ['country'], properties: { country: { const: 'NO' } } } } },
    then: { description: 'A Norwegian business needs its organisation number', required: ['organizationNumber'], properties: { organizationNumber: { type: 'string' } } },
  },
};

export const billingProfileInput = z
  .strictObject({
    legalName: z.string().trim().min(1).max(200).describe('The name invoices are addressed to'),
    kind: z.enum(['consumer', 'business']),
    organizationNumber: z
      .string()
      .max(20)
      .transform(compact)
      .refine(isNorwegianOrganizationNumber, 'must be a Norwegian organisation number: 9 digits with a valid mod-11 check digit')
      .meta({ pattern: ORGANIZATION_NUMBER_PATTERN })
      .nullable()
      .optional()
      .describe('Norwegian organisation number (Brønnøysundregistrene), e.g. `974760673`'),
    vatId: z
      .string()
      .max(20)
      .transform(compact)
      .superRefine((value, ctx) => {
        const problem = euVatIdProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({ pattern: VAT_ID_PATTERN })
      .nullable()
      .optional()
      .describe('EU VAT identification number with its country prefix, e.g. `SE556036079301`: reverse charge applies'),
    address: postalAddress,
    taxExemptionReason: z.string().trim().min(3).max(300).nullable().optional().describe('The legal reason the customer is exempt from VAT; printed on invoices'),
    language: z.enum(['nb', 'en']).nullable().optional().describe("Invoices' and emails' language; the seller's when absent"),
  })
  .superRefine((profile, ctx) => {
    if (profile.kind === 'consumer' && (profile.organizationNumber || profile.vatId)) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'a consumer has no organisation number or VAT id: use kind "business"' });
    }
    if (profile.kind === 'business' && profile.address.country === 'NO' && !profile.organizationNumber) {
      ctx.addIssue({ code: 'custom', path: ['organizationNumber'], message: 'a Norwegian business needs its organisation number' });
    }
    if (profile.vatId && profile.address.country !== vatIdCountry(profile.vatId)) {
      ctx.addIssue({ code: 'custom', path: ['vatId'], message: `the VAT id is from ${vatIdCountry(profile.vatId)}, the address in ${profile.address.country}` });
    }
  })
  .meta(PROFILE_RULES)
  .describe("A customer's billing profile");

/** Greece's VAT ids start with EL, its country code is GR. */
function vatIdCountry(vatId: string): string {
  const prefix = vatId.slice(0, 2);
  return prefix === 'EL' ? 'GR' : prefix;
}

export type BillingProfileInput = z.output<typeof billingProfileInput>;

export const billingProfileView = z
  .strictObject({
    legalName: z.string(),
    kind: z.enum(['consumer', 'business']),
    organizationNumber: z.string().nullable().optional(),
    vatId: z.string().nullable().optional(),
    address: postalAddress,
    taxExemptionReason: z.string().nullable().optional(),
    language: z.enum(['nb', 'en']).nullable().optional(),
    version: z.number().int().describe('Bumped on every change'),
  })
  .describe("A customer's billing profile: invoices finalized after a change use it, issued ones keep theirs");
