// A charge of an invoice: its attempt number and idempotency key, and what its outcome settles.
import type { Effect } from './effects';
import type { ChargeIntent } from './payments';
import { chargeIdempotencyKey } from './payments';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { subscriptionWorkflowId } from './subscription';

/** Attempt number of the next charge on `invoiceNumber`. */
export function nextAttempt(state: SubscriptionState, invoiceNumber: string): number {
  if (state.dunning?.invoiceNumber === invoiceNumber) return state.dunning.attempts + 1;
  return (state.latestInvoice?.number === invoiceNumber ? state.latestInvoice.attempts : 0) + 1;
}

/** A charge of `invoice` at `at`, whose outcome `settleCharge` (collection.ts) turns into the next step. */
export function chargeOf(
  state: SubscriptionState,
  invoice: InvoiceSummary,
  at: string,
  purpose: ChargeIntent['purpose'] = { kind: 'collect' },
  claimsPeriodIndex: number | null = null,
): Effect {
  const attempt = nextAttempt(state, invoice.number);
  return {
    kind: 'charge',
    charge: {
      invoice,
      attempt,
      idempotencyKey: chargeIdempotencyKey(subscriptionWorkflowId(state.id), invoice.number, attempt),
      paymentMethod: state.paymentMethod,
      at,
      claimsPeriodIndex,
      purpose,
    },
  };
}
