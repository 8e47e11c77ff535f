// What a lifecycle step asks the outside world to do, besides changing state. Pure steps return
// these; the workflow's entity carries them out in order (activities), and hands what comes back
// (a charge's outcome, the upsell rules' answer) to the next pure step.
import type { CreditEntryDraft } from './credit';
import type { InvoiceDraft } from './invoice';
import type { OfferOutcome, OpenOffer } from './offers';
import type { ChargeIntent, RefundIntent } from './payments';
import type { PlanMigrationAnswer } from './plan-migration';
import type { PaymentEvent } from './payment-events';
import type { PendingPayment } from './pending-payment';
import type { InvoiceSummary, SubscriptionState } from './subscription';
import type { DocumentLanguage } from './tax/types';

export type EmailContent =
  | { template: 'welcome'; planName: string; amountCents: number; currency: string; interval: string; trialEnd: string | null }
  /** The invoice's lines are read from the database when the receipt is rendered. */
  | { template: 'receipt'; invoiceNumber: string; amountCents: number; currency: string; paidAt: string }
  | {
      template: 'payment_failed';
      invoiceNumber: string;
      amountCents: number;
      currency: string;
      attempt: number;
      declineMessage: string;
      /** Null when no retry is scheduled: the customer must update the payment method. */
      nextRetryAt: string | null;
      /** Set when the subscription ends or is suspended if nothing is paid by then. */
      deadline: string | null;
      /** What happens at the deadline: canceled, suspended (unpaid) or never started. */
      consequence: 'cancel' | 'unpaid' | 'expire' | null;
    }
  | {
      template: 'final_notice';
      invoiceNumber: string;
      amountCents: number;
      currency: string;
      finalAttemptAt: string;
      consequence: 'cancel' | 'unpaid';
    }
  | { template: 'trial_ending'; trialEnd: string; planName: string; amountCents: number; currency: string }
  | {
      template: 'plan_changed';
      fromPlan: string;
      toPlan: string;
      amountCents: number;
      currency: string;
      interval: string;
      effectiveAt: string;
      invoiceNumber: string | null;
      /** The same plan at another price version (a price migration): the price changed, not the plan. */
      repriced?: true;
    }
  | { template: 'canceled'; reason: CancelReason; endedAt: string; refundCents: number; currency: string }
  | { template: 'unpaid'; invoiceNumber: string; amountCents: number; currency: string }
  /** Account credit left when the subscription ended, refunded to the card (domain/credit.ts creditRefunded). */
  | { template: 'credit_refunded'; amountCents: number; currency: string }
  /** To the business's operations (not the customer): a chargeback was opened on an invoice's payment. */
  | { template: 'dispute_opened'; invoiceNumber: string; disputeId: string; amountCents: number; currency: string; reason: string; customerEmail: string }
  /** A charge waits for the customer's authentication (3-D Secure); `actionUrl` completes it. */
  | { template: 'payment_action_required'; invoiceNumber: string; amountCents: number; currency: string; actionUrl: string | null; expiresAt: string }
  /** The payment method will not work for the next charge: it expires before it, or was removed. */
  | {
      template: 'payment_method_update';
      reason: 'expiring' | 'detached';
      brand: string | null;
      last4: string | null;
      expMonth: number | null;
      expYear: number | null;
      nextChargeAt: string | null;
      planName: string;
      amountCents: number;
      currency: string;
      interval: string;
    }
  | { template: 'paused'; resumesAt: string | null; creditCents: number; currency: string }
  | { template: 'resumed'; nextBillingAt: string }
  | {
      template: 'offer';
      offerId: string;
      fromPlan: string;
      toPlan: string;
      toPlanAmountCents: number;
      currency: string;
      interval: string;
      percentOff: number;
      discountPeriods: number;
      expiresAt: string;
    }
  /**
   * A customer portal sign-in link (no subscription). The link is rendered from `tokenId` when the
   * email is sent, so the outbox never stores a usable token; `next` is the page to land on.
   */
  | { template: 'portal_sign_in'; tokenId: string; language: DocumentLanguage; portalName: string; validMinutes: number; next: string | null }
  /**
   * A quote's link (no subscription yet). The link is rendered from `quoteId` when the email is
   * sent (infra/links.ts), so the outbox never stores a usable token; the API chose the language.
   */
  | {
      template: 'quote';
      quoteId: string;
      language: DocumentLanguage;
      planName: string;
      /** The first invoice's total, VAT included. */
      firstInvoiceCents: number;
      currency: string;
      expiresAt: string;
    };

export type EmailTemplate = EmailContent['template'];

export type CancelReason = 'requested' | 'non_payment' | 'payment_not_completed';

export interface EmailIntent {
  /** One email per key, however often the step is retried. */
  key: string;
  to: string;
  customerName: string | null;
  /** Null for an email about the customer's account rather than one subscription (portal sign-in). */
  subscriptionId: string | null;
  /**
   * The subscription's time zone (IANA): the email writes its dates in it. Absent on emails about
   * the account, and on those queued before it was recorded: UTC.
   */
  timeZone?: string;
  content: EmailContent;
}

/** A command the step refuses after all (e.g. its payment was declined): the update fails with it. */
export interface CommandFailure {
  type: 'PaymentDeclinedError' | 'CommandRefusedError';
  message: string;
  details?: Record<string, unknown>;
}

/** What one step of a command tells its caller, besides the new state (a plan change's timing and invoice). */
export interface CommandReply {
  timing?: 'now' | 'period_end';
  effectiveAt?: string;
  invoice?: InvoiceSummary | null;
}

export type Effect =
  | { kind: 'email'; email: EmailIntent }
  /** Writes the invoice, with the account-credit entries its balance line makes, in one transaction. */
  | { kind: 'issue_invoice'; draft: InvoiceDraft; credit: CreditEntryDraft[] }
  /** Charges an invoice; the outcome is handed back to `settleCharge`, which decides what follows. */
  | { kind: 'charge'; charge: ChargeIntent }
  | { kind: 'invoice_status'; invoiceNumber: string; status: 'void' | 'uncollectible'; at: string; credit: CreditEntryDraft[] }
  | { kind: 'refund'; refunds: RefundIntent[]; at: string }
  /** Refunds up to `amountCents` of account credit to the subscription's charges; what went back goes to `creditRefunded`. */
  | { kind: 'refund_credit'; amountCents: number; at: string }
  | { kind: 'credit'; entries: CreditEntryDraft[] }
  | { kind: 'offer'; offer: OpenOffer; status: 'open' | OfferOutcome; at: string; subscriptionId: string; currency: string }
  /** Asks the upsell rules (data in the database) for an offer; the answer goes to `offerEvaluated`. */
  | { kind: 'evaluate_offers'; at: string }
  | { kind: 'migration_answer'; answer: PlanMigrationAnswer }
  /** Asks the gateway about a pending charge, or (`cancel`) ends it; the answer goes to `pendingAnswered`. */
  | { kind: 'resolve_charge'; pending: PendingPayment; cancel: boolean; at: string }
  /** A refund made at the gateway: its credit note, unless the engine made it (then it has one). */
  | { kind: 'record_gateway_refund'; event: Extract<PaymentEvent, { kind: 'refunded' }> }
  /** A chargeback: recorded against the invoice, and ops are told. */
  | { kind: 'record_dispute'; event: Extract<PaymentEvent, { kind: 'disputed' }> }
  | { kind: 'refuse'; failure: CommandFailure };

/** What an `offer` effect writes: the offer made or closed, with its webhook event. */
export type OfferRecord = Omit<Extract<Effect, { kind: 'offer' }>, 'kind'>;

export interface Transition {
  state: SubscriptionState;
  effects: Effect[];
  reply?: CommandReply;
}

/** No change. */
export function unchanged(state: SubscriptionState): Transition {
  return { state, effects: [] };
}

/**
 * `first`, then `next` from the state it left: their effects in order, their replies merged. A
 * charge's outcome is only known when it is carried out, so a charge ends a chain: `first` must not
 * contain one.
 */
export function then(first: Transition, next: (state: SubscriptionState) => Transition): Transition {
  const second = next(first.state);
  const reply = first.reply || second.reply ? { ...first.reply, ...second.reply } : undefined;
  return { state: second.state, effects: [...first.effects, ...second.effects], ...(reply ? { reply } : {}) };
}

export function email(state: SubscriptionState, discriminator: string, content: EmailContent): Effect {
  return {
    kind: 'email',
    email: {
      key: `${state.id}/${content.template}/${discriminator}`,
      to: state.customer.email,
      customerName: state.customer.name ?? null,
      subscriptionId: state.id,
      timeZone: state.timeZone,
      content,
    },
  };
}
