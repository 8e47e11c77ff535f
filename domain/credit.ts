// Money given back: unused time of the current period (credited on a plan change or a pause,
// refunded on a cancellation) and the account credit it becomes.
//
// Two invariants hold by construction:
// - what goes back for a period (credit and refunds together) never exceeds what was paid for it:
//   the period's account records both, and every credit is capped by the difference;
// - unused time is valued at what was paid for it, not at list price: the period's account keeps
//   the paid share of list prices (a coupon makes it less than 1), per plan and add-ons.
//
// Account credit is a ledger: each grant and use is an entry with its cause, written under its
// own key, and the sum of a subscription's entries is the balance its workflow carries.
import type { Transition } from './effects';
import { email } from './effects';
import { remainingSeconds, scale } from './proration';
import type { RefundIntent } from './payments';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { calendarPeriod, update } from './subscription';

/** The share of list prices that was paid (paid ÷ list): 1 without a discount. */
export interface PaidRate {
  paid: number;
  list: number;
}

export const FULL_RATE: PaidRate = { paid: 1, list: 1 };

/** What was paid for the current period's recurring service, and what of it went back. */
export interface PeriodAccount {
  periodIndex: number;
  /** Value paid for this period's plan and add-ons (by card or with account credit). */
  paidCents: number;
  /** Given back for this period: unused-time credit and refunds. */
  returnedCents: number;
  rates: { plan: PaidRate; addOns: PaidRate };
  /** The charges that paid for this period, oldest first; refunds go against them, newest first. */
  charges: Array<{ invoiceNumber: string; amountCents: number; refundedCents: number }>;
}

export type CreditCause = 'invoice_surplus' | 'applied_to_invoice' | 'pause' | 'invoice_voided' | 'refunded';

/** One entry of the account-credit ledger (CreditEntry), written once under its key. */
export interface CreditEntryDraft {
  key: string;
  amountCents: number;
  cause: CreditCause;
  invoiceNumber: string | null;
  periodIndex: number | null;
  balanceAfterCents: number;
  at: string;
}

export function paidRate(listCents: number, paidCents: number): PaidRate {
  return listCents > 0 ? { paid: Math.max(0, paidCents), list: listCents } : FULL_RATE;
}

/** The account of a period that starts with a payment of `paidCents` at `rate` (null: nothing paid by card). */
export function openAccount(
  periodIndex: number,
  paidCents: number,
  rate: PaidRate,
  charge: { invoiceNumber: string; amountCents: number } | null,
): PeriodAccount {
  return {
    periodIndex,
    paidCents,
    returnedCents: 0,
    rates: { plan: rate, addOns: rate },
    charges: charge && charge.amountCents > 0 ? [{ ...charge, refundedCents: 0 }] : [],
  };
}

/**
 * The current period's account while its service runs; null when nothing was paid for this period,
 * or its unused time already went back (a pause credits it at once).
 */
export function currentAccount(state: SubscriptionState): PeriodAccount | null {
  return state.status === 'active' && state.account?.periodIndex === state.periodIndex ? state.account : null;
}

/** What may still go back for the current period. */
export function returnable(state: SubscriptionState): number {
  const account = currentAccount(state);
  return account ? Math.max(0, account.paidCents - account.returnedCents) : 0;
}

/** The paid value of a full period's `listCents` for the rest of the current period from `at` (uncapped). */
export function unusedValue(state: SubscriptionState, listCents: number, part: keyof PeriodAccount['rates'], at: string): number {
  const account = currentAccount(state);
  if (!account || listCents <= 0) return 0;
  const rate = account.rates[part];
  const { remaining, total } = remainingSeconds(calendarPeriod(state), at);
  return scale(listCents, remaining * BigInt(rate.paid), total * BigInt(rate.list));
}

/** `amounts` in order, each cut so that together they never exceed what may still go back. */
export function capped(state: SubscriptionState, amounts: readonly number[]): number[] {
  let left = returnable(state);
  return amounts.map((amount) => {
    const given = Math.max(0, Math.min(amount, left));
    left -= given;
    return given;
  });
}

/** The state with `amountCents` more given back for the current period. */
export function returned(state: SubscriptionState, amountCents: number): SubscriptionState {
  const account = currentAccount(state);
  if (!account || amountCents <= 0) return state;
  return { ...state, account: { ...account, returnedCents: account.returnedCents + amountCents } };
}

/** The refundable cash of the current period, split over its charges newest first, up to `amountCents`. */
export function refundSplit(state: SubscriptionState, amountCents: number, at: string): RefundIntent[] {
  const account = currentAccount(state);
  if (!account) return [];
  const refunds: RefundIntent[] = [];
  let left = amountCents;
  for (const charge of [...account.charges].reverse()) {
    const amount = Math.min(left, charge.amountCents - charge.refundedCents);
    if (amount <= 0) continue;
    refunds.push({ invoiceNumber: charge.invoiceNumber, amountCents: amount, idempotencyKey: `${state.id}/refund/${charge.invoiceNumber}/${at}`, periodIndex: account.periodIndex });
    left -= amount;
  }
  return refunds;
}

/** The state once `refunds` went out: the charges' refunded amounts and the period's returned value. */
export function refunded(state: SubscriptionState, refunds: readonly RefundIntent[]): SubscriptionState {
  const account = currentAccount(state);
  if (!account || refunds.length === 0) return state;
  const charges = account.charges.map((charge) => ({
    ...charge,
    refundedCents: charge.refundedCents + refunds.filter((r) => r.invoiceNumber === charge.invoiceNumber).reduce((sum, r) => sum + r.amountCents, 0),
  }));
  const total = refunds.reduce((sum, r) => sum + r.amountCents, 0);
  return { ...state, account: { ...account, charges, returnedCents: account.returnedCents + total } };
}

/** A ledger entry moving the balance by `amountCents` (the state's balance is already the one after it). */
export function creditEntry(
  state: SubscriptionState,
  cause: CreditCause,
  amountCents: number,
  discriminator: string,
  at: string,
  invoiceNumber: string | null = null,
): CreditEntryDraft {
  return {
    key: `${state.id}/credit/${cause}/${discriminator}`,
    amountCents,
    cause,
    invoiceNumber,
    periodIndex: state.periodIndex,
    balanceAfterCents: state.creditBalanceCents,
    at,
  };
}

/** The ledger entries an issued invoice makes: the surplus it adds to the balance, or the credit it uses. */
export function invoiceCreditEntries(
  state: SubscriptionState,
  invoice: { number: string; subtotalCents: number; issuedAt: string },
  balanceBefore: number,
): CreditEntryDraft[] {
  const change = state.creditBalanceCents - balanceBefore;
  if (change === 0) return [];
  const cause: CreditCause = change > 0 ? 'invoice_surplus' : 'applied_to_invoice';
  return [creditEntry(state, cause, change, invoice.number, invoice.issuedAt, invoice.number)];
}

/**
 * An invoice that will never be paid is voided, and the account credit it used goes back to the
 * balance (as Stripe does), with the credit it carried for time already paid (rules 3); `status`
 * 'uncollectible' writes it off instead, keeping both as used against what it asked for.
 */
export function closeUnpaidInvoice(state: SubscriptionState, invoice: InvoiceSummary, status: 'void' | 'uncollectible', at: string): Transition {
  const restored = status === 'void' ? (invoice.creditAppliedCents ?? 0) + (invoice.carriedCreditCents ?? 0) : 0;
  const next = update(state, {
    creditBalanceCents: state.creditBalanceCents + restored,
    latestInvoice: state.latestInvoice?.number === invoice.number ? { ...state.latestInvoice, status } : state.latestInvoice,
  });
  const credit: CreditEntryDraft[] = restored > 0 ? [creditEntry(next, 'invoice_voided', restored, invoice.number, at, invoice.number)] : [];
  return { state: next, effects: [{ kind: 'invoice_status', invoiceNumber: invoice.number, status, at, credit }] };
}

/**
 * Rules 4: account credit left when the subscription ends goes back to the card it was paid with
 * (`refund_credit`, carried out against the subscription's charges, newest first), so an ended
 * subscription strands none of the customer's money: at the period end it was canceled for, at
 * the end of dunning, or canceled now with a refund (without one, the merchant chose to give
 * nothing back). Appended to the ending's effects: after its final invoice used what it could.
 */
export function refundCreditAtEnd(ending: Transition): Transition {
  const { state } = ending;
  if (state.rules < 4 || state.endedAt === null || state.creditBalanceCents <= 0) return ending;
  return { ...ending, effects: [...ending.effects, { kind: 'refund_credit', amountCents: state.creditBalanceCents, at: state.endedAt }] };
}

/** The balance once `refundedCents` of it went back to the card (what the charges could take; the rest stays). */
export function creditRefunded(state: SubscriptionState, refundedCents: number, at: string): Transition {
  const amount = Math.min(refundedCents, state.creditBalanceCents);
  if (amount <= 0) return { state, effects: [] };
  const next = update(state, { creditBalanceCents: state.creditBalanceCents - amount });
  return {
    state: next,
    effects: [
      { kind: 'credit', entries: [creditEntry(next, 'refunded', -amount, 'end', at)] },
      email(next, 'end', { template: 'credit_refunded', amountCents: amount, currency: state.plan.currency }),
    ],
  };
}
