// The shapes invoice lines take on their way through the tax rules: taxable (as billing wrote
// them) and taxed (as the invoice stores and renders them).
import type { BillingProfile, LineTax, SellerTaxSetup, TaxCategory, TaxCode, TaxTreatment, VatSummaryRow } from './types';

export interface TaxableLine {
  kind: string;
  description: string;
  itemName?: string | null;
  quantity: number;
  amountCents: number;
  /** null: a discount spread over the coded lines it discounts */
  code: TaxCode | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

/** A line whose tax code is known: every line once discounts are spread. */
export type CodedLine = TaxableLine & { code: TaxCode };

export interface TaxContext {
  seller: SellerTaxSetup;
  buyer: BillingProfile | null;
  /** invoice date: the date of supply of lines without a period */
  issuedAt: string;
}

export interface TaxedLine extends Omit<TaxableLine, 'code'> {
  taxCategory: TaxCategory;
  inclusive: boolean;
  tax: LineTax;
}

export interface TaxedInvoice {
  treatment: TaxTreatment;
  lines: TaxedLine[];
  vatSummary: VatSummaryRow[];
  netCents: number;
  taxCents: number;
  grossCents: number;
}
