// What a quote costs: its first invoice and its price per period, computed by the functions the
// subscription workflow bills with. The quote's start (plan, package items, customer, policy) is
// opened as the workflow opens it (openSubscription) and its first invoice built as the workflow
// builds it (renewalInvoice: plan line, add-on and custom lines, discount, one-time products, VAT),
// so a quote cannot show another amount than the invoice its acceptance issues (with the same
// catalogue and the same billing profile).
import type { BillingInterval, Period } from './calendar';
import { renewalInvoice } from './collection';
import type { InvoiceLineKind } from './invoice';
import type { SubscriptionStart } from './subscription';
import { openSubscription } from './subscription';
import type { VatSummaryRow } from './tax/types';

export interface QuoteLine {
  kind: InvoiceLineKind;
  description: string;
  quantity: number;
  /** VAT included, as the invoice charges it. */
  amountCents: number;
  taxCents: number;
  rateBasisPoints: number;
}

export interface QuoteInvoice {
  /** When it is issued and charged: at acceptance, or when the plan's trial ends. */
  issuedAt: string;
  period: Period;
  lines: QuoteLine[];
  netCents: number;
  taxCents: number;
  /** What is charged, VAT included. */
  totalCents: number;
  vatSummary: VatSummaryRow[];
}

export interface QuotePricing {
  currency: string;
  /** The plan's trial, when it has one: nothing is charged before `firstInvoice.issuedAt`. */
  trialEnd: string | null;
  firstInvoice: QuoteInvoice;
  /** A renewal at full price: the plan and every recurring item, without discount or one-time products. */
  recurring: { interval: BillingInterval; netCents: number; taxCents: number; totalCents: number };
  /** The coupon's discount and on how many period invoices it applies (null: all). */
  discount: { code: string; name: string; periods: number | null } | null;
}

function invoiceOf(start: SubscriptionStart, at: Date): QuoteInvoice {
  const state = openSubscription({ ...start, trialDays: 0 }, at);
  const { draft } = renewalInvoice(state, state.createdAt);
  return {
    issuedAt: draft.issuedAt,
    period: draft.period,
    lines: draft.lines.map((line) => ({
      kind: line.kind,
      description: line.description,
      quantity: line.quantity,
      amountCents: line.amountCents,
      taxCents: line.taxed?.taxCents ?? 0,
      rateBasisPoints: line.taxed?.rateBasisPoints ?? 0,
    })),
    netCents: draft.netCents,
    taxCents: draft.taxCents,
    totalCents: draft.amountCents,
    vatSummary: draft.vatSummary,
  };
}

/**
 * The first invoice of a subscription started from `start` at `at`, and what each renewal costs.
 * A trial (the plan's, or `start.trialDays`) moves the first invoice to its end, as the workflow does.
 */
export function priceQuote(start: SubscriptionStart, at: Date): QuotePricing {
  const opened = openSubscription(start, at);
  const firstAt = opened.trialEnd ? new Date(opened.trialEnd) : at;
  const firstInvoice = invoiceOf(start, firstAt);
  const items = start.items;
  const regular = invoiceOf({ ...start, ...(items ? { items: { ...items, pendingItems: [], discount: null } } : {}) }, firstAt);
  const discount = items?.discount ?? null;
  return {
    currency: start.plan.currency,
    trialEnd: opened.trialEnd,
    firstInvoice,
    recurring: { interval: start.plan.interval, netCents: regular.netCents, taxCents: regular.taxCents, totalCents: regular.totalCents },
    discount: discount ? { code: discount.code, name: discount.name, periods: discount.remainingPeriods } : null,
  };
}
