// What a charge attempt is, how it is identified, and what its outcome settles.
import type { PlanChangeCharge } from './plan-change';
import type { InvoiceSummary } from './subscription';

export type DeclineType = 'soft' | 'hard';

/**
 * Why a charge has no outcome yet: the customer must authenticate it (3-D Secure, SCA), or the
 * payment method settles later (a wallet agreement, a bank debit). Either way it is neither paid
 * nor declined until the gateway says so.
 */
export type PendingReason = 'action_required' | 'processing';

export type ChargeResult =
  | { outcome: 'succeeded'; chargeId: string }
  | { outcome: 'declined'; chargeId: string; declineCode: string; declineType: DeclineType; message: string }
  | { outcome: 'pending'; chargeId: string; reason: PendingReason; /** Where the customer completes it, when the gateway gives one. */ actionUrl: string | null };

export type Decline = Extract<ChargeResult, { outcome: 'declined' }>;
export type PendingCharge = Extract<ChargeResult, { outcome: 'pending' }>;
/** What a charge ends as. */
export type FinalChargeResult = Exclude<ChargeResult, PendingCharge>;

/**
 * What a charge is for: collecting an invoice of the subscription's lifecycle (a period, a
 * dunning retry, a reactivation), a plan change that applies only once it is paid, or the final
 * invoice of an ended subscription.
 */
export type ChargePurpose = { kind: 'collect' } | { kind: 'plan_change'; change: PlanChangeCharge } | { kind: 'final' };

export interface ChargeIntent {
  invoice: InvoiceSummary;
  attempt: number;
  idempotencyKey: string;
  paymentMethod: string;
  /** Business time of the attempt. */
  at: string;
  /** The billing period this invoice becomes the invoice of once paid (a change that starts a new period). */
  claimsPeriodIndex: number | null;
  purpose: ChargePurpose;
}

/** Part of a refund, against one paid invoice's charge. */
export interface RefundIntent {
  invoiceNumber: string;
  amountCents: number;
  idempotencyKey: string;
  /** The billing period whose unused time it gives back. */
  periodIndex: number;
}

/**
 * workflow id / invoice number / attempt: derived from the invoice and the attempt, so a retried
 * activity reuses it (the gateway and the database's unique constraint see one charge), a new
 * attempt gets a new key, and no two invoices ever share one.
 */
export function chargeIdempotencyKey(workflowId: string, invoiceNumber: string, attempt: number): string {
  return `${workflowId}/${invoiceNumber}/${attempt}`;
}

/**
 * What went back of an invoice's charge so far: its refund credit notes (`creditNotes` holds only
 * those of kind `refund`) and the account credit paid out against it. A charge never gives back
 * more than it took, both together.
 */
export function refundedOf(invoice: { creditNotes: ReadonlyArray<{ amountCents: number }>; creditPayouts: ReadonlyArray<{ amountCents: number }> }): number {
  return [...invoice.creditNotes, ...invoice.creditPayouts].reduce((sum, refund) => sum + refund.amountCents, 0);
}
