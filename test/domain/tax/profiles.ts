// Sellers and buyers the tax tests share.
import type { BillingProfile, CountryCode, SellerTaxSetup } from '../../../domain/tax/types';

export const NORWEGIAN_SELLER: SellerTaxSetup = { country: 'NO', vatRegistered: true };
export const UNREGISTERED_SELLER: SellerTaxSetup = { country: 'NO', vatRegistered: false };

export function buyer(country: CountryCode, overrides: Partial<BillingProfile> = {}): BillingProfile {
  return {
    legalName: `Buyer in ${country}`,
    kind: 'consumer',
    address: { lines: ['Street 1'], postalCode: '0150', city: 'City', country },
    version: 1,
    ...overrides,
  };
}

export const NORWEGIAN_BUSINESS = buyer('NO', { kind: 'business', organizationNumber: '974760673' });
export const SWEDISH_BUSINESS = buyer('SE', { kind: 'business', vatId: 'SE556677889901' });
export const SWEDISH_CONSUMER = buyer('SE');
export const GERMAN_CONSUMER = buyer('DE');
export const AMERICAN_BUSINESS = buyer('US', { kind: 'business' });
export const EXEMPT_BUYER = buyer('NO', { kind: 'business', taxExemptionReason: 'Diplomatic mission (mval. § 6-29)' });
