// Invoices a subscription issues: their lines, VAT and totals. Amounts are minor units.
import type { Period } from './calendar';
import { describeInterval } from './calendar';
import type { PlanSnapshot } from './plans';
import type { InvoiceService, InvoiceSummary, SubscriptionState } from './subscription';
import type { TaxableLine, TaxContext, TaxedInvoice } from './tax/calculate';
import { taxInvoiceLines } from './tax/calculate';
import type { BillingProfile, SellerTaxSetup, TaxCategory, TaxCode, TaxTreatment, VatCategoryCode, VatSummaryRow } from './tax/types';

/** What a plan, add-on or line has when nothing says otherwise: standard rate, price including VAT. */
export const DEFAULT_TAX_CODE: TaxCode = { category: 'standard', inclusive: true };

/** Subscriptions started before sellers were configured bill as a VAT-registered Norwegian seller. */
export const DEFAULT_SELLER_TAX: SellerTaxSetup = { country: 'NO', vatRegistered: true };

/**
 * Unused time is valued at what was paid for it, VAT included (domain/credit.ts), so the line that
 * gives it back states its amount including VAT, at the category of what it adjusts.
 */
export function paidValueCode(code: TaxCode | undefined): TaxCode {
  return { category: (code ?? DEFAULT_TAX_CODE).category, inclusive: true };
}

/** Who is taxed how on an invoice the subscription issues at `issuedAt`. */
export function taxContextOf(state: SubscriptionState, issuedAt: string): TaxContext {
  return { seller: state.policy.seller ?? DEFAULT_SELLER_TAX, buyer: state.customer.billing ?? null, issuedAt };
}

export type InvoiceLineKind =
  | 'subscription'
  | 'proration_credit'
  | 'proration_charge'
  | 'customer_balance'
  | 'addon'
  | 'discount';

/** Stripe's reasons, and `subscription_final`: what was still waiting to be billed when a subscription ended. */
export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'subscription_final';

export interface InvoiceLineDraft {
  kind: InvoiceLineKind;
  description: string;
  quantity: number;
  /** In the terms of `tax.inclusive` until the invoice is built; then gross (VAT included), as charged. */
  amountCents: number;
  periodStart?: string | null;
  periodEnd?: string | null;
  /** The plan, add-on or coupon the line is about: documents in other languages describe the line by it. */
  itemName?: string | null;
  /** The VAT code of what the line sells or adjusts; absent: DEFAULT_TAX_CODE. */
  tax?: TaxCode;
  /** A shipping add-on's credit for a delivery the customer skipped (domain/deliveries.ts). */
  skippedDelivery?: true;
  /** Set when the invoice is built (the account-credit line has none: it is a payment, not a supply). */
  taxed?: { taxCategory: TaxCategory; vatCategory: VatCategoryCode; rateBasisPoints: number; netCents: number; taxCents: number };
}

export interface InvoiceDraft {
  number: string;
  subscriptionId: string;
  customerId: string;
  /** Set on the invoice that bills a whole period (one per period); null for mid-period invoices. */
  periodIndex: number | null;
  billingReason: BillingReason;
  period: Period;
  currency: string;
  lines: InvoiceLineDraft[];
  /** The lines' total, VAT included, before account credit. */
  subtotalCents: number;
  netCents: number;
  taxCents: number;
  /** Due: the subtotal less the account credit applied. */
  amountCents: number;
  issuedAt: string;
  treatment: TaxTreatment;
  vatSummary: VatSummaryRow[];
  /** The billing profile the invoice was taxed for (null: a consumer in the seller's country, no profile given). */
  buyer: BillingProfile | null;
}

/**
 * The workflow's key for its n-th invoice: INV-<subscription>-0001, -0002, … (the legal number
 * comes from the seller's series when the invoice is finalized in the database).
 */
export function invoiceNumber(subscriptionId: string, sequence: number): string {
  return `INV-${subscriptionId}-${String(sequence).padStart(4, '0')}`;
}

export function planLine(plan: PlanSnapshot, period: Period, amountCents = plan.amountCents): InvoiceLineDraft {
  return {
    kind: 'subscription',
    description: `${plan.name} (${describeInterval(plan.interval)}), ${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`,
    quantity: 1,
    amountCents,
    periodStart: period.start,
    periodEnd: period.end,
    itemName: plan.name,
    tax: plan.tax ?? DEFAULT_TAX_CODE,
  };
}

export interface BuiltInvoice {
  draft: InvoiceDraft;
  /** The customer's credit balance once this invoice has used or added to it. */
  creditBalanceCents: number;
  /** The period whose plan and add-ons the invoice buys, if any. */
  service: InvoiceService | null;
}

/** The period's service an invoice buys: its list price (in the prices' own terms) and the lines that buy it. */
export interface ServiceLines {
  periodIndex: number;
  listCents: number;
  lines: InvoiceLineDraft[];
}

export type InvoiceHeader = Omit<InvoiceDraft, 'lines' | 'subtotalCents' | 'netCents' | 'taxCents' | 'amountCents' | 'treatment' | 'vatSummary' | 'buyer'>;

function taxable(line: InvoiceLineDraft): TaxableLine {
  return {
    kind: line.kind,
    description: line.description,
    itemName: line.itemName ?? null,
    quantity: line.quantity,
    amountCents: line.amountCents,
    code: line.tax ?? DEFAULT_TAX_CODE,
    periodStart: line.periodStart ?? null,
    periodEnd: line.periodEnd ?? null,
  };
}

/** Lines as an invoice bills them: each taxed (VAT included in its amount), with the totals. */
export interface TaxedLines extends Omit<TaxedInvoice, 'lines'> {
  lines: InvoiceLineDraft[];
}

/** Taxes lines as `buildInvoice` does (per line, half away from zero; a line across a rate change is split at it). */
export function taxLines(chargeLines: readonly InvoiceLineDraft[], tax: TaxContext): TaxedLines {
  const taxed = taxInvoiceLines(chargeLines.map(taxable), tax);
  const lines: InvoiceLineDraft[] = taxed.lines.map((line) => ({
    kind: line.kind as InvoiceLineKind,
    description: line.description,
    quantity: line.quantity,
    amountCents: line.tax.grossCents,
    periodStart: line.periodStart ?? null,
    periodEnd: line.periodEnd ?? null,
    itemName: line.itemName ?? null,
    tax: { category: line.taxCategory, inclusive: line.inclusive },
    taxed: {
      taxCategory: line.taxCategory,
      vatCategory: line.tax.vatCategory,
      rateBasisPoints: line.tax.rateBasisPoints,
      netCents: line.tax.netCents,
      taxCents: line.tax.taxCents,
    },
  }));
  return { ...taxed, lines };
}

/**
 * Taxes each line (domain/tax: per line, half away from zero; a line across a rate change is
 * split at it), totals them, and settles the total against the customer's credit balance: credit
 * pays what it can (after VAT: it is a payment, not a discount), and a negative total (a
 * downgrade's credit larger than its charge) becomes balance for later invoices instead of a
 * negative invoice.
 */
export function buildInvoice(
  header: InvoiceHeader,
  tax: TaxContext,
  chargeLines: InvoiceLineDraft[],
  creditBalanceCents: number,
  service: ServiceLines | null = null,
): BuiltInvoice {
  const taxed = taxLines(chargeLines, tax);
  const lines = [...taxed.lines];
  const subtotalCents = taxed.grossCents;
  let balance = creditBalanceCents;
  if (subtotalCents < 0) {
    balance += -subtotalCents;
  } else if (balance > 0 && subtotalCents > 0) {
    const applied = Math.min(balance, subtotalCents);
    lines.push({ kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -applied });
    balance -= applied;
  }
  const amountCents = Math.max(0, lines.reduce((sum, line) => sum + line.amountCents, 0));
  const draft: InvoiceDraft = {
    ...header,
    lines,
    subtotalCents,
    netCents: taxed.netCents,
    taxCents: taxed.taxCents,
    amountCents,
    treatment: taxed.treatment,
    vatSummary: taxed.vatSummary,
    buyer: tax.buyer,
  };
  // What the period's service costs the customer, VAT included: unused time is valued at it.
  const paid = service ? taxInvoiceLines(service.lines.map(taxable), tax).grossCents : 0;
  const summary: InvoiceService | null = service ? { periodIndex: service.periodIndex, grossCents: service.listCents, netCents: paid } : null;
  return { draft, creditBalanceCents: balance, service: summary };
}

/** The account credit that pays part of the invoice (its customer_balance line). */
export function creditApplied(draft: InvoiceDraft): number {
  return draft.lines.filter((line) => line.kind === 'customer_balance').reduce((sum, line) => sum - line.amountCents, 0);
}

/** The invoice as the subscription knows it once issued: open, not yet charged. */
export function issuedSummary(built: BuiltInvoice): InvoiceSummary {
  const { draft } = built;
  const applied = creditApplied(draft);
  return {
    number: draft.number,
    amountCents: draft.amountCents,
    currency: draft.currency,
    status: 'open',
    periodIndex: draft.periodIndex,
    billingReason: draft.billingReason,
    attempts: 0,
    paidAt: null,
    service: built.service,
    creditAppliedCents: applied,
  };
}
