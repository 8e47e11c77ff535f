// The seller (AccountingSupplierParty) and buyer (AccountingCustomerParty) of a UBL document.
import type { InvoiceDocument, PostalAddress } from '../domain/tax/types';
import { electronicAddress, legalRegistrationId, norwegianVatId, type Identifier, type PartyIds } from './peppol-ids';
import { element, leaf, type XmlElement } from './xml';

function endpoint(role: string, ids: PartyIds): XmlElement {
  const address = electronicAddress(ids);
  // Peppol requires both electronic addresses (PEPPOL-EN16931-R010, R020).
  if (!address) throw new Error(`the ${role} has no organisation number, VAT number or e-mail to address the document to`);
  return leaf('cbc:EndpointID', address.id, { schemeID: address.schemeID })!;
}

function postalAddress({ lines, postalCode, city, country }: PostalAddress): XmlElement {
  const [street, additional, ...rest] = lines;
  return element('cac:PostalAddress', [
    leaf('cbc:StreetName', street),
    leaf('cbc:AdditionalStreetName', additional),
    leaf('cbc:CityName', city),
    leaf('cbc:PostalZone', postalCode),
    element('cac:AddressLine', [leaf('cbc:Line', rest.join(', '))]),
    element('cac:Country', [leaf('cbc:IdentificationCode', country.toUpperCase())]),
  ])!;
}

function taxScheme(companyId: string | null, scheme: 'VAT' | 'TAX'): XmlElement | null {
  return companyId ? element('cac:PartyTaxScheme', [leaf('cbc:CompanyID', companyId), element('cac:TaxScheme', [leaf('cbc:ID', scheme)])]) : null;
}

function legalEntity(name: string, registration: Identifier | null): XmlElement {
  const schemeAttribute: Record<string, string> = registration?.schemeID ? { schemeID: registration.schemeID } : {};
  return element('cac:PartyLegalEntity', [
    leaf('cbc:RegistrationName', name),
    leaf('cbc:CompanyID', registration?.id, schemeAttribute),
  ])!;
}

/** Seller VAT identifier (BT-31); only Norwegian sellers' can be derived from what the profile holds. */
function sellerVatId(doc: InvoiceDocument, withVatIds: boolean): string | null {
  const { seller } = doc;
  if (!seller.vatRegistered || !withVatIds) return null;
  if (seller.address.country.toUpperCase() !== 'NO') {
    throw new Error(`cannot write the VAT identifier of a seller in ${seller.address.country}: only Norwegian sellers are supported`);
  }
  return norwegianVatId(seller.organizationNumber);
}

/**
 * @param withVatIds false when a line is outside the scope of VAT (category O): such a document
 *   may carry no VAT identifier at all (EN16931 BR-O-02).
 */
export function supplierParty(doc: InvoiceDocument, withVatIds: boolean): XmlElement {
  const { seller } = doc;
  const ids: PartyIds = { country: seller.address.country, organizationNumber: seller.organizationNumber, email: seller.email };
  const norwegian = seller.address.country.toUpperCase() === 'NO';
  return element('cac:AccountingSupplierParty', [
    element('cac:Party', [
      endpoint('seller', ids),
      element('cac:PartyName', [leaf('cbc:Name', seller.legalName)]),
      postalAddress(seller.address),
      taxScheme(sellerVatId(doc, withVatIds), 'VAT'),
      // Norwegian limited companies must say they are in Foretaksregisteret; EHF puts it here (NO-R-002).
      taxScheme(norwegian ? 'Foretaksregisteret' : null, 'TAX'),
      legalEntity(seller.legalName, legalRegistrationId(ids)),
      element('cac:Contact', [leaf('cbc:ElectronicMail', seller.email)]),
    ]),
  ])!;
}

export function customerParty(doc: InvoiceDocument, withVatIds: boolean): XmlElement {
  const { buyer } = doc;
  const ids: PartyIds = { country: buyer.address.country, organizationNumber: buyer.organizationNumber, vatId: buyer.vatId, email: buyer.email };
  return element('cac:AccountingCustomerParty', [
    element('cac:Party', [
      endpoint('buyer', ids),
      element('cac:PartyName', [leaf('cbc:Name', buyer.legalName)]),
      postalAddress(buyer.address),
      taxScheme(withVatIds ? (buyer.vatId?.replace(/\s+/g, '').toUpperCase() ?? null) : null, 'VAT'),
      legalEntity(buyer.legalName, legalRegistrationId(ids)),
      element('cac:Contact', [leaf('cbc:ElectronicMail', buyer.email)]),
    ]),
  ])!;
}
