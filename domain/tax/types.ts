// The vocabulary of taxes and invoice documents, shared by the pure tax rules (domain/tax), the
// workflow that bills, the activities that finalize, and the renderers (documents/: PDF and UBL).
// Plain JSON only: these cross continue-as-new and are stored on invoices as snapshots.

/** ISO 3166-1 alpha-2, upper case (NO, SE, DE…). */
export type CountryCode = string;

/** What a product, plan, add-on or one-time item is, for VAT: each maps to a rate per country and date. */
export type TaxCategory = 'standard' | 'reduced_middle' | 'reduced_low' | 'exempt';

/** Languages invoices and emails are written in: Norwegian bokmål and English. */
export type DocumentLanguage = 'nb' | 'en';

/**
 * How VAT applies to a sale, from the seller's and the buyer's profiles:
 * - domestic: buyer in the seller's country, taxed at that country's rates;
 * - oss: an EU consumer (seller elsewhere), taxed at the consumer's country's rates (One-Stop Shop);
 * - reverse_charge: an EU business with a VAT id in another country: 0 %, the buyer accounts for VAT;
 * - export: a buyer outside the seller's country and the EU: 0 %;
 * - exempt: the buyer holds a tax exemption (its reason is printed): 0 %;
 * - not_registered: the seller is not VAT registered: no VAT at all.
 */
export type TaxTreatment = 'domestic' | 'oss' | 'reverse_charge' | 'export' | 'exempt' | 'not_registered';

/** UNCL5305 duty/tax category codes, as EHF/Peppol BIS 3 and the PDF's VAT summary use them. */
export type VatCategoryCode = 'S' | 'Z' | 'E' | 'AE' | 'G' | 'O';

export interface PostalAddress {
  /** Street lines, at least one. */
  lines: string[];
  postalCode: string;
  city: string;
  country: CountryCode;
}

/** The business that issues invoices: configured once (SELLER_* variables), validated at start. */
export interface SellerProfile {
  legalName: string;
  /** Norwegian organisation number (9 digits, mod-11) or the seller's national company id. */
  organizationNumber: string;
  /** Registered for VAT: the organisation number is printed followed by "MVA" (Foretaksregisteret/MVA-registeret). */
  vatRegistered: boolean;
  address: PostalAddress;
  /** IBAN, or a Norwegian 11-digit BBAN (kontonummer, mod-11). */
  bankAccount: string;
  /** BIC/SWIFT of the bank, printed with an IBAN. */
  bic?: string | null;
  paymentTermsDays: number;
  /** The language of invoices to customers who have none. */
  language: DocumentLanguage;
  email?: string | null;
  /** A PNG or JPEG file printed at the top of PDFs. */
  logoPath?: string | null;
}

export type CustomerKind = 'consumer' | 'business';

/** A customer's billing profile: who the invoice is addressed to and how it is taxed. */
export interface BillingProfile {
  legalName: string;
  kind: CustomerKind;
  /** Norwegian organisation number (9 digits, mod-11 check digit), for Norwegian businesses. */
  organizationNumber?: string | null;
  /** EU VAT identification number with its country prefix (SE556677889901, DE123456789…). */
  vatId?: string | null;
  address: PostalAddress;
  /** Null: no exemption. With a reason, the customer is not charged VAT and the reason is printed. */
  taxExemptionReason?: string | null;
  language?: DocumentLanguage | null;
  /** Bumped on every change; a workflow ignores a profile older than the one it has. */
  version: number;
}

/** What decides a line's VAT besides its amount: the tax category and whether its price includes VAT. */
export interface TaxCode {
  category: TaxCategory;
  /** The price already includes VAT (consumer prices in Norway); otherwise VAT is added on top. */
  inclusive: boolean;
}

/** The seller's side of the tax decision, carried by every subscription (its policy). */
export interface SellerTaxSetup {
  country: CountryCode;
  vatRegistered: boolean;
}

/** A line's tax once computed: amounts in minor units, the rate in basis points (2500 = 25 %). */
export interface LineTax {
  rateBasisPoints: number;
  vatCategory: VatCategoryCode;
  /** Net (excluding VAT), VAT and gross (including VAT): net + tax = gross, each may be negative (credits). */
  netCents: number;
  taxCents: number;
  grossCents: number;
}

/** One row of an invoice's VAT summary: the lines sharing a rate and category, summed. */
export interface VatSummaryRow {
  vatCategory: VatCategoryCode;
  rateBasisPoints: number;
  netCents: number;
  taxCents: number;
}

/** One line of an issued document (invoice or credit note). */
export interface DocumentLine {
  /** subscription | addon | proration_charge | proration_credit | discount | refund (credit notes) … */
  kind: string;
  /** The English description the engine wrote; renderers in another language build theirs from kind, itemName and period. */
  description: string;
  /** The plan, add-on or coupon the line is about, when there is one. */
  itemName?: string | null;
  quantity: number;
  periodStart?: string | null;
  periodEnd?: string | null;
  taxCategory: TaxCategory;
  tax: LineTax;
}

/**
 * Everything a finalized invoice or credit note shows, as stored with it (snapshots of seller and
 * buyer at finalization): the PDF and the EHF/UBL renderers read only this.
 */
export interface InvoiceDocument {
  kind: 'invoice' | 'credit_note';
  /** The legal number from the seller's gapless series. */
  number: string;
  /** ISO date-time of issue (finalization). */
  issuedAt: string;
  /** ISO date the invoice is due (issue date + payment terms); null on credit notes. */
  dueDate: string | null;
  currency: string;
  language: DocumentLanguage;
  seller: SellerProfile;
  buyer: BillingProfile & { email: string };
  /** The period of supply (leveringsperiode). */
  period: { start: string; end: string };
  lines: DocumentLine[];
  vatSummary: VatSummaryRow[];
  treatment: TaxTreatment;
  netCents: number;
  taxCents: number;
  grossCents: number;
  /** Account credit used to pay part of it (a payment, not a discount): grossCents − this is due. */
  creditAppliedCents: number;
  amountDueCents: number;
  /** Shown as the buyer's reference (Peppol BT-10): the subscription id. */
  buyerReference: string;
  /** Paid already (card charged) when rendered: the PDF says so instead of asking for a transfer. */
  paidAt: string | null;
  /** Credit notes: the invoice they correct. */
  corrects?: { number: string; issuedAt: string } | null;
  /** Credit notes: why (refund, voided invoice). */
  reason?: string | null;
}
