// The seller's profile: who issues every invoice. Configured once (SELLER_* variables), checked at
// start: a deployment whose invoices would lack a mandatory field stops before it bills anyone.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { bankAccountProblem, isNorwegianOrganizationNumber } from '../domain/tax/identifiers';
import { isEuMember } from '../domain/tax/rates';
import type { SellerProfile, SellerTaxSetup } from '../domain/tax/types';

/** Development and tests only: a made-up company with valid check digits, never used where APP_ENV says production. */
export const DEMO_SELLER: SellerProfile = {
  legalName: 'Demo Abonnement AS',
  organizationNumber: '923456783',
  vatRegistered: true,
  address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' },
  bankAccount: '12345678903',
  bic: null,
  paymentTermsDays: 14,
  language: 'nb',
  email: 'faktura@demo-abonnement.example',
  logoPath: null,
};

const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);
const text = (max: number) => z.preprocess(blankIsUnset, z.string().trim().min(1).max(max));

const variables = z
  .object({
    SELLER_LEGAL_NAME: text(200),
    SELLER_ORGANIZATION_NUMBER: z.preprocess(blankIsUnset, z.string().trim().transform((value) => value.replace(/\s/g, ''))),
    SELLER_VAT_REGISTERED: z.preprocess(blankIsUnset, z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true')),
    /** Street lines separated by "|" (e.g. "Storgata 1|3. etasje"). */
    SELLER_ADDRESS: text(300).transform((value) => value.split('|').map((line) => line.trim()).filter(Boolean)),
    SELLER_POSTAL_CODE: text(20),
    SELLER_CITY: text(100),
    SELLER_COUNTRY: z.preprocess(blankIsUnset, z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as NO')),
    SELLER_BANK_ACCOUNT: z.preprocess(blankIsUnset, z.string().transform((value) => value.replace(/[\s.]/g, '').toUpperCase())),
    SELLER_BIC: z.preprocess(blankIsUnset, z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'must be a BIC such as DNBANOKK').optional()),
    SELLER_PAYMENT_TERMS_DAYS: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(120).default(14)),
    SELLER_INVOICE_LANGUAGE: z.preprocess(blankIsUnset, z.enum(['nb', 'en']).default('nb')),
    SELLER_EMAIL: z.preprocess(blankIsUnset, z.email().optional()),
    SELLER_LOGO_PATH: z.preprocess(blankIsUnset, z.string().optional()),
  })
  .superRefine((env, ctx) => {
    if (env.SELLER_COUNTRY === 'NO' && !isNorwegianOrganizationNumber(env.SELLER_ORGANIZATION_NUMBER)) {
      ctx.addIssue({ code: 'custom', path: ['SELLER_ORGANIZATION_NUMBER'], message: 'is not a Norwegian organisation number (9 digits, mod-11 check digit)' });
    }
    if (env.SELLER_COUNTRY !== 'NO' && !isEuMember(env.SELLER_COUNTRY)) {
      ctx.addIssue({ code: 'custom', path: ['SELLER_COUNTRY'], message: 'must be Norway or an EU member state' });
    }
    const bank = bankAccountProblem(env.SELLER_BANK_ACCOUNT);
    if (bank) ctx.addIssue({ code: 'custom', path: ['SELLER_BANK_ACCOUNT'], message: bank });
    if (env.SELLER_LOGO_PATH && !existsSync(env.SELLER_LOGO_PATH)) {
      ctx.addIssue({ code: 'custom', path: ['SELLER_LOGO_PATH'], message: 'no such file' });
    }
  });

/**
 * The seller from SELLER_* variables. Without SELLER_LEGAL_NAME, development gets DEMO_SELLER and
 * any other environment is refused: invoices need a real issuer.
 */
export function loadSeller(env: NodeJS.ProcessEnv, development: boolean): SellerProfile | { problems: string[] } {
  if (!env.SELLER_LEGAL_NAME && development) return DEMO_SELLER;
  const parsed = variables.safeParse(env);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (the seller on every invoice: README "For the accountant")`) };
  }
  const v = parsed.data;
  return {
    legalName: v.SELLER_LEGAL_NAME,
    organizationNumber: v.SELLER_ORGANIZATION_NUMBER,
    vatRegistered: v.SELLER_VAT_REGISTERED,
    address: { lines: v.SELLER_ADDRESS, postalCode: v.SELLER_POSTAL_CODE, city: v.SELLER_CITY, country: v.SELLER_COUNTRY },
    bankAccount: v.SELLER_BANK_ACCOUNT,
    bic: v.SELLER_BIC ?? null,
    paymentTermsDays: v.SELLER_PAYMENT_TERMS_DAYS,
    language: v.SELLER_INVOICE_LANGUAGE,
    email: v.SELLER_EMAIL ?? null,
    logoPath: v.SELLER_LOGO_PATH ?? null,
  };
}

/** What subscriptions carry of the seller: enough to decide VAT. */
export function sellerTaxSetup(seller: SellerProfile): SellerTaxSetup {
  return { country: seller.address.country, vatRegistered: seller.vatRegistered };
}
