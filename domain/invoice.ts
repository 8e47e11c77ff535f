// Invoices a subscription issues: numbering and lines. Amounts are minor units.
import type { Period } from './calendar';
import { describeInterval } from './calendar';
import type { PlanSnapshot } from './plans';
import type { InvoiceService, InvoiceSummary } from './subscription';

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
  amountCents: number;
  periodStart?: string;
  periodEnd?: string;
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
  subtotalCents: number;
  amountCents: number;
  issuedAt: string;
}

/** Gapless per subscription, in issue order: INV-<subscription>-0001, -0002, … */
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
  };
}

export interface BuiltInvoice {
  draft: InvoiceDraft;
  /** The customer's credit balance once this invoice has used or added to it. */
  creditBalanceCents: number;
  /** The period whose plan and add-ons the invoice buys, if any. */
  service: InvoiceService | null;
}

/**
 * Totals the lines and settles them against the customer's credit balance: credit pays what it
 * can, and a negative total (a downgrade's credit larger than its charge) becomes balance for
 * later invoices instead of a negative invoice.
 */
export function buildInvoice(
  header: Omit<InvoiceDraft, 'lines' | 'subtotalCents' | 'amountCents'>,
  chargeLines: InvoiceLineDraft[],
  creditBalanceCents: number,
  service: InvoiceService | null = null,
): BuiltInvoice {
  const subtotalCents = chargeLines.reduce((sum, line) => sum + line.amountCents, 0);
  const lines = [...chargeLines];
  let balance = creditBalanceCents;
  if (subtotalCents < 0) {
    balance += -subtotalCents;
  } else if (balance > 0 && subtotalCents > 0) {
    const applied = Math.min(balance, subtotalCents);
    lines.push({ kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -applied });
    balance -= applied;
  }
  const amountCents = Math.max(0, lines.reduce((sum, line) => sum + line.amountCents, 0));
  return { draft: { ...header, lines, subtotalCents, amountCents }, creditBalanceCents: balance, service };
}

/** The invoice as the subscription knows it once issued: open, not yet charged. */
export function issuedSummary(built: BuiltInvoice): InvoiceSummary {
  const { draft } = built;
  const applied = draft.lines.filter((line) => line.kind === 'customer_balance').reduce((sum, line) => sum - line.amountCents, 0);
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
