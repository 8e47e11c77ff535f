// How VAT applies to a sale, decided from the seller's setup and the buyer's billing profile, and
// the UNCL5305 category code a line then carries on the invoice and in EHF/Peppol.
import { isEuMember } from './rates';
import type { BillingProfile, CountryCode, SellerTaxSetup, TaxCategory, TaxTreatment, VatCategoryCode } from './types';

function sameCountry(a: CountryCode, b: CountryCode): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

export function taxTreatment(seller: SellerTaxSetup, buyer: BillingProfile | null): TaxTreatment {
  if (!seller.vatRegistered) return 'not_registered';
  if (buyer?.taxExemptionReason) return 'exempt';
  // No profile yet: the customer is presumed local, the choice that never under-charges VAT.
  if (!buyer || sameCountry(buyer.address.country, seller.country)) return 'domestic';
  if (isEuMember(buyer.address.country)) {
    // Without a VAT id a business cannot account for the VAT itself, so it is charged like a consumer.
    return buyer.kind === 'business' && buyer.vatId ? 'reverse_charge' : 'oss';
  }
  return 'export';
}

/**
 * The country whose rates apply: the buyer's under OSS, the seller's otherwise. The zero-rated
 * treatments use no rate, but the seller's country is where they are declared.
 */
export function taxCountry(seller: SellerTaxSetup, buyer: BillingProfile | null, treatment: TaxTreatment): CountryCode {
  if (treatment !== 'oss') return seller.country.toUpperCase();
  if (!buyer) throw new RangeError('OSS taxes at the buyer\'s country\'s rates, but there is no buyer profile');
  return buyer.address.country.toUpperCase();
}

export function vatCategoryFor(treatment: TaxTreatment, rateBasisPoints: number, taxCategory: TaxCategory): VatCategoryCode {
  switch (treatment) {
    case 'not_registered':
      return 'O';
    case 'exempt':
      return 'E';
    case 'reverse_charge':
      return taxCategory === 'exempt' ? 'E' : 'AE';
    case 'export':
      return taxCategory === 'exempt' ? 'E' : 'G';
    case 'domestic':
    case 'oss':
      if (taxCategory === 'exempt') return 'E';
      return rateBasisPoints > 0 ? 'S' : 'Z';
  }
}
