// VAT in UBL: the category of each line (ClassifiedTaxCategory) and the document's breakdown
// (TaxTotal with one TaxSubtotal per VAT summary row).
import type { DocumentLanguage, InvoiceDocument, VatCategoryCode } from '../domain/tax/types';
import { amount, percent } from './ubl-values';
import { element, leaf, type XmlElement } from './xml';

interface Exemption {
  code?: string;
  text: Record<DocumentLanguage, string>;
}

/**
 * Why no VAT is charged, which EN16931 demands on every breakdown of these categories
 * (BR-E-10, BR-AE-10, BR-G-10, BR-O-10) and forbids on S and Z.
 */
const EXEMPTIONS: Partial<Record<VatCategoryCode, Exemption>> = {
  E: { text: { nb: 'Fritatt for merverdiavgift', en: 'Exempt from VAT' } },
  AE: { code: 'VATEX-EU-AE', text: { nb: 'Omvendt avgiftsplikt', en: 'Reverse charge' } },
  G: { code: 'VATEX-EU-G', text: { nb: 'Eksport, fritatt for merverdiavgift', en: 'Export outside the EU' } },
  O: { code: 'VATEX-EU-O', text: { nb: 'Ikke merverdiavgiftspliktig', en: 'Not subject to VAT' } },
};

function exemptionReason(doc: InvoiceDocument, vatCategory: VatCategoryCode): { code?: string; text: string } | null {
  const exemption = EXEMPTIONS[vatCategory];
  if (!exemption) return null;
  // A buyer's own exemption (an embassy, say) is printed as the buyer's reason.
  const buyerReason = vatCategory === 'E' && doc.treatment === 'exempt' ? doc.buyer.taxExemptionReason : null;
  return { code: exemption.code, text: buyerReason || exemption.text[doc.language] };
}

function taxScheme(): XmlElement {
  return element('cac:TaxScheme', [leaf('cbc:ID', 'VAT')])!;
}

/** A line's category: no exemption reason at line level, and no rate outside the scope of VAT (BR-O-05). */
export function classifiedTaxCategory(vatCategory: VatCategoryCode, rateBasisPoints: number): XmlElement {
  return element('cac:ClassifiedTaxCategory', [
    leaf('cbc:ID', vatCategory),
    vatCategory === 'O' ? null : leaf('cbc:Percent', percent(rateBasisPoints)),
    taxScheme(),
  ])!;
}

export function taxTotal(doc: InvoiceDocument): XmlElement {
  const { currency } = doc;
  return element('cac:TaxTotal', [
    amount('cbc:TaxAmount', doc.vatSummary.reduce((sum, row) => sum + row.taxCents, 0), currency),
    ...doc.vatSummary.map((row) => {
      const reason = exemptionReason(doc, row.vatCategory);
      return element('cac:TaxSubtotal', [
        amount('cbc:TaxableAmount', row.netCents, currency),
        amount('cbc:TaxAmount', row.taxCents, currency),
        element('cac:TaxCategory', [
          leaf('cbc:ID', row.vatCategory),
          row.vatCategory === 'O' ? null : leaf('cbc:Percent', percent(row.rateBasisPoints)),
          leaf('cbc:TaxExemptionReasonCode', reason?.code),
          leaf('cbc:TaxExemptionReason', reason?.text),
          taxScheme(),
        ]),
      ]);
    }),
  ])!;
}
