// A charge that is neither paid nor declined yet: the customer must authenticate it (SCA), or it
// settles later (a wallet agreement, a bank debit). The subscription records it and goes on
// waiting; dunning retries, renewals and other charges hold off, since a second charge of the
// same invoice could succeed alongside it. It ends when the gateway says so (a webhook, turned
// into a paymentEvent signal, makes the workflow ask), or at its deadline, when it is canceled at
// the gateway and whatever it ended as is settled like any charge.
import { describeInterval } from './calendar';
import { settleCharge } from './collection';
import type { Command } from './commands';
import type { Effect, Transition } from './effects';
import { email, unchanged } from './effects';
import type { PaymentEvent } from './payment-events';
import { cardExpiresAt } from './payment-events';
import type { ChargeIntent, FinalChargeResult, PendingCharge, PendingReason } from './payments';
import { nextStatus } from './status';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import { isEnded, nextBillingAt, update } from './subscription';

const HOUR_MS = 3_600_000;
export const DEFAULT_PENDING_PAYMENT_HOURS = 72;

export interface PendingPayment {
  /** The attempt as it was made: its outcome settles it exactly as a direct answer would have. */
  charge: ChargeIntent;
  chargeId: string;
  reason: PendingReason;
  actionUrl: string | null;
  since: string;
  /** When it is canceled at the gateway if nothing happened. */
  expiresAt: string;
}

function earliestOf(times: Array<string | null | undefined>): string {
  return times.filter((t): t is string => typeof t === 'string').reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

/** How long it may wait: the policy's hours, but never past the end of dunning or of the first payment's window. */
function pendingDeadline(state: SubscriptionState, charge: ChargeIntent): string {
  const hours = state.policy.pendingPaymentHours ?? DEFAULT_PENDING_PAYMENT_HOURS;
  const own = new Date(Date.parse(charge.at) + hours * HOUR_MS).toISOString();
  const dunning = state.dunning?.invoiceNumber === charge.invoice.number ? state.dunning.deadline : null;
  const firstPayment = state.status === 'incomplete' ? new Date(Date.parse(state.createdAt) + state.policy.incompleteExpiryHours * HOUR_MS).toISOString() : null;
  // Before a deadline, not at it: the charge's end is settled before the deadline's own step runs.
  const capped = earliestOf([own, dunning, firstPayment]);
  return capped === own ? own : new Date(Math.max(Date.parse(charge.at), Date.parse(capped) - 1000)).toISOString();
}

/** A charge answered `pending`: the subscription waits for it (past due while the customer must act). */
export function chargePending(state: SubscriptionState, charge: ChargeIntent, result: PendingCharge): Transition {
  const invoice: InvoiceSummary = { ...charge.invoice, attempts: charge.attempt };
  const pending: PendingPayment = {
    charge,
    chargeId: result.chargeId,
    reason: result.reason,
    actionUrl: result.actionUrl,
    since: charge.at,
    expiresAt: pendingDeadline(state, charge),
  };
  const next = update(state, {
    status: nextStatus(state.status, result.reason === 'action_required' ? 'payment_action_required' : 'payment_processing'),
    pendingPayment: pending,
    latestInvoice: state.latestInvoice?.number === invoice.number ? invoice : state.latestInvoice,
  });
  if (result.reason !== 'action_required') return unchanged(next);
  return {
    state: next,
    effects: [
      email(next, `${invoice.number}/${charge.attempt}`, {
        template: 'payment_action_required',
        invoiceNumber: invoice.number,
        amountCents: invoice.amountCents,
        currency: invoice.currency,
        actionUrl: result.actionUrl,
        expiresAt: pending.expiresAt,
      }),
    ],
  };
}

/** Asks the gateway where the pending charge stands (`cancel`: ends it there first). */
export function resolvePending(state: SubscriptionState, at: string, cancel: boolean): Transition {
  const pending = state.pendingPayment;
  if (!pending) return unchanged(state);
  return { state, effects: [{ kind: 'resolve_charge', pending, cancel, at }] };
}

/** The gateway's answer about the pending charge: still pending (maybe with a new link), or its outcome. */
export function pendingAnswered(state: SubscriptionState, result: PendingCharge | FinalChargeResult, at: string): Transition {
  const pending = state.pendingPayment;
  if (!pending || pending.chargeId !== result.chargeId) return unchanged(state);
  if (result.outcome === 'pending') {
    if (result.reason === pending.reason && result.actionUrl === pending.actionUrl) return unchanged(state);
    return unchanged(update(state, { pendingPayment: { ...pending, reason: result.reason, actionUrl: result.actionUrl } }));
  }
  // Settled now, dated now: a receipt says when it was paid, dunning counts from when it failed.
  return settleCharge(update(state, { pendingPayment: null }), { ...pending.charge, at }, result);
}

/** Commands that must not meet a payment in flight: each changes what is owed or charges it. */
export function endsPendingPayment(command: Command): boolean {
  switch (command.name) {
    case 'cancel':
      return command.input.when === 'now';
    case 'pause':
    case 'resume':
    case 'updatePaymentMethod':
    case 'changePlan':
    case 'setAddOn':
    case 'addCustomLine':
    case 'setCustomLine':
    case 'acceptOffer':
      return true;
    default:
      return false;
  }
}

/** What a fact from the payment gateway does to the subscription. */
export function paymentEventReceived(state: SubscriptionState, event: PaymentEvent, at: string): Transition {
  if (isEnded(state) && event.kind !== 'refunded' && event.kind !== 'disputed') return unchanged(state);
  switch (event.kind) {
    case 'charge_updated':
      return state.pendingPayment?.chargeId === event.chargeId ? resolvePending(state, at, false) : unchanged(state);
    case 'refunded':
      return { state, effects: [{ kind: 'record_gateway_refund', event }] };
    case 'disputed':
      return { state, effects: [{ kind: 'record_dispute', event }] };
    case 'payment_method_detached':
      return event.paymentMethod === state.paymentMethod ? { state, effects: [paymentMethodNotice(state, 'detached', event.paymentMethod)] } : unchanged(state);
    case 'card_expiring':
      return cardExpiring(state, event);
  }
}

/** Warn before the renewal that would meet an expired card; a card that outlives the next charge needs no email. */
function cardExpiring(state: SubscriptionState, event: Extract<PaymentEvent, { kind: 'card_expiring' }>): Transition {
  const next = nextBillingAt(state);
  if (!next || Date.parse(next) < Date.parse(cardExpiresAt(event.expYear, event.expMonth))) return unchanged(state);
  const discriminator = `${event.paymentMethod}/${event.expYear}-${String(event.expMonth).padStart(2, '0')}`;
  return { state, effects: [paymentMethodNotice(state, 'expiring', discriminator, event, next)] };
}

function paymentMethodNotice(
  state: SubscriptionState,
  reason: 'expiring' | 'detached',
  discriminator: string,
  card: { brand: string | null; last4: string | null; expMonth: number; expYear: number } | null = null,
  nextChargeAt: string | null = nextBillingAt(state),
): Effect {
  return email(state, discriminator, {
    template: 'payment_method_update',
    reason,
    brand: card?.brand ?? null,
    last4: card?.last4 ?? null,
    expMonth: card?.expMonth ?? null,
    expYear: card?.expYear ?? null,
    nextChargeAt,
    planName: state.plan.name,
    amountCents: state.plan.amountCents,
    currency: state.plan.currency,
    interval: describeInterval(state.plan.interval),
  });
}
