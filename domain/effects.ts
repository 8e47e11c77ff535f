// What a lifecycle step asks the outside world to do, besides changing state. Pure steps return
// these; the workflow carries them out (emails as child workflows, invoice updates as activities).
import type { OfferOutcome, OpenOffer } from './offers';
import type { SubscriptionState } from './subscription';

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
    }
  | { template: 'canceled'; reason: CancelReason; endedAt: string; refundCents: number; currency: string }
  | { template: 'unpaid'; invoiceNumber: string; amountCents: number; currency: string }
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
    };

export type EmailTemplate = EmailContent['template'];

export type CancelReason = 'requested' | 'non_payment' | 'payment_not_completed';

export interface EmailIntent {
  /** One email per key, however often the step is retried. */
  key: string;
  to: string;
  customerName: string | null;
  subscriptionId: string;
  content: EmailContent;
}

export type Effect =
  | { kind: 'email'; email: EmailIntent }
  | { kind: 'invoice_status'; invoiceNumber: string; status: 'void' | 'uncollectible'; at: string }
  | { kind: 'refund'; invoiceNumber: string; amountCents: number; idempotencyKey: string; at: string }
  | { kind: 'offer'; offer: OpenOffer; status: 'open' | OfferOutcome; at: string; subscriptionId: string; currency: string };

export interface Transition {
  state: SubscriptionState;
  effects: Effect[];
}

export function email(state: SubscriptionState, discriminator: string, content: EmailContent): Effect {
  return {
    kind: 'email',
    email: {
      key: `${state.id}/${content.template}/${discriminator}`,
      to: state.customer.email,
      customerName: state.customer.name ?? null,
      subscriptionId: state.id,
      content,
    },
  };
}
