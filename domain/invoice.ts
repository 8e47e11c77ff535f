// Invoices a subscription issues: numbering and lines. Amounts are minor units.
import type { Period } from './calendar';
import { describeInterval } from './calendar';
import type { PlanSnapshot } from './plans';

export type InvoiceLineKind = 'subscription' | 'proration_credit' | 'proration_charge' | 'addon' | 'discount';

export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

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

export function planLine(plan: PlanSnapshot, period: Period): InvoiceLineDraft {
  return {
    kind: 'subscription',
    description: `${plan.name} (${describeInterval(plan.interval)}), ${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`,
    quantity: 1,
    amountCents: plan.amountCents,
    periodStart: period.start,
    periodEnd: period.end,
  };
}

export function buildInvoice(
  header: Omit<InvoiceDraft, 'lines' | 'subtotalCents' | 'amountCents'>,
  lines: InvoiceLineDraft[],
): InvoiceDraft {
  const subtotalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
  // A credit larger than the charges is carried as zero due here, never a negative invoice.
  return { ...header, lines, subtotalCents, amountCents: Math.max(0, subtotalCents) };
}
