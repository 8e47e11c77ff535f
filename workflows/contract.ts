// What callers of the workflows share with them, declared once: workflow types, names and ids,
// their inputs, every signal, update and query, the search attributes, and the failure types a
// command can end with. The API, activities, tests and tools import this module, never a workflow
// module's code (they start workflows by name).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ListingCursor } from '../activities/subscription-listing';
import type {
  AddCustomLineCommand,
  ApplyCouponCommand,
  CancelCommand,
  ChangePlanCommand,
  CommandName,
  OfferCommand,
  PauseCommand,
  ResumeCommand,
  SetAddOnCommand,
  SetCustomLineCommand,
  Timing,
  UpdatePaymentMethodCommand,
} from '../domain/commands';
import type { AddOnChangePreview } from '../domain/add-on-preview';
import type { InvoiceDraft } from '../domain/invoice';
import type { PlanMigrationRequest } from '../domain/plan-migration';
import type { InvoiceSummary, SubscriptionStart, SubscriptionState } from '../domain/subscription';
import type { UsageEvent } from '../domain/usage';
import type { BillingProfile } from '../domain/tax/types';
import type { PaymentEvent } from '../domain/payment-events';
import { describeInterval } from '../domain/calendar';
import { formatMoney } from '../domain/money';
import { nextBillingAt, subscriptionWorkflowId } from '../domain/subscription';

export { subscriptionWorkflowId } from '../domain/subscription';
export { planMigrationWorkflowId } from '../domain/plan-migration';

// --- workflows --------------------------------------------------------------------------------

export interface SubscriptionWorkflowInput {
  start: SubscriptionStart;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: SubscriptionState;
  /**
   * Carried over by continue-as-new: this run queues a step's emails with its projection write, in
   * one local activity (recordStep). Absent: a run started by older code, which queued each email
   * in a local activity of its own; its history replays so.
   */
  batchedWrites?: true;
  /**
   * Carried over by continue-as-new: this run evaluates the upsell rules in a step's final write
   * (recordStep) and records offers there too. Absent: a run started by older code, which ran each
   * in a local activity of its own; its history replays so.
   */
  offersWithWrite?: true;
  /**
   * Carried over by continue-as-new: in this run a timer that fired runs its step, and every wait
   * after the opening goes through a timer, whatever workflow time says (see subscription.ts).
   * Absent: a run started by older code, which compared the due time with workflow time again.
   */
  timerRunsStep?: true;
}

export interface PlanMigrationProgress {
  pass: number;
  cursor: ListingCursor | null;
  /** Subscriptions this pass listed for the first time. */
  added: number;
  /** This pass has listed everything; its answers are awaited. */
  listed: boolean;
}

export interface PlanMigrationInput {
  migrationId: string;
  /** Subscriptions per page (default 100). */
  pageSize?: number;
  /** Activity calls per run before continuing as new, which keeps the history small (default 50). */
  stepsPerRun?: number;
  /** Carried over by continue-as-new. */
  progress?: PlanMigrationProgress;
}

export interface WebhookDeliveryInput {
  deliveryId: string;
  /**
   * The outbound-delivery task queue its attempts run on. Absent in deliveries started before
   * delivery workflows moved to the main queue: those run on that queue, attempts included.
   */
  deliveryQueue?: string;
}

/** A refund or chargeback of an ended subscription, booked by a workflow of its own. */
export interface PaymentRecordInput {
  event: Extract<PaymentEvent, { kind: 'refunded' | 'disputed' }>;
}

export function paymentRecordWorkflowId(eventId: string): string {
  return `payment-event-${eventId}`;
}

export interface EmailDeliveryInput {
  /** The EmailMessage's idempotency key (its lifecycle event). */
  emailKey: string;
  /** As WebhookDeliveryInput's: where the sending attempts run. */
  deliveryQueue?: string;
}

/** The workflow functions' types; callers start them by name with these as type parameters. */
export type SubscriptionWorkflow = (input: SubscriptionWorkflowInput) => Promise<SubscriptionState>;
export type PlanMigrationWorkflow = (input: PlanMigrationInput) => Promise<void>;
export type WebhookDeliveryWorkflow = (input: WebhookDeliveryInput) => Promise<'delivered' | 'failed'>;
export type EmailDeliveryWorkflow = (input: EmailDeliveryInput) => Promise<'sent' | 'failed'>;
export type PaymentRecordWorkflow = (input: PaymentRecordInput) => Promise<void>;

/** Shown in the Temporal UI as the subscription workflow's static summary (set by whoever starts it). */
export function describeSubscription(start: SubscriptionStart): string {
  const { plan } = start;
  const imported = start.currentPeriodEnd ? `, imported, paid until ${start.currentPeriodEnd}` : '';
  return `${plan.name} (${plan.code}) for ${start.customer.email}: ${formatMoney(plan)} per ${describeInterval(plan.interval)}${imported}`;
}

export const WORKFLOW_TYPES = {
  subscription: 'subscriptionWorkflow',
  planMigration: 'planMigrationWorkflow',
  webhookDelivery: 'webhookDeliveryWorkflow',
  emailDelivery: 'emailDeliveryWorkflow',
  paymentRecord: 'paymentRecordWorkflow',
} as const;

// --- messages of the subscription workflow -----------------------------------------------------

export interface SubscriptionView extends SubscriptionState {
  workflowId: string;
  nextBillingAt: string | null;
}

/**
 * The shape of SubscriptionView the projection stores (Subscription.view): a view stored in an
 * older shape is not answered from, the workflow is asked instead. Raise it whenever the view (or
 * the state it carries) gains, loses or changes a field; test/workflows/subscription-view.test.ts
 * fails until it is raised.
 */
export const VIEW_SHAPE = 1;

/** What getSubscription answers for `state`; the projection stores the same (activities/projection.ts). */
export function subscriptionView(state: SubscriptionState): SubscriptionView {
  return { ...state, workflowId: subscriptionWorkflowId(state.id), nextBillingAt: nextBillingAt(state) };
}

export interface PlanChangeResult {
  timing: Timing;
  effectiveAt: string;
  /** The proration invoice a change now issued and collected. */
  invoice: InvoiceSummary | null;
  subscription: SubscriptionView;
}

export type PlanChangePreview =
  | { allowed: true; timing: Timing; effectiveAt: string; invoice: InvoiceDraft | null; creditBalanceCentsAfter: number }
  | { allowed: false; reason: string };

/** The full live state. */
export const getSubscription = defineQuery<SubscriptionView>('getSubscription');

/** The exact invoice a plan change at `at` would issue; changes nothing. */
export const previewPlanChange = defineQuery<PlanChangePreview, [ChangePlanCommand & { at: string }]>('previewPlanChange');

export type { AddOnChangePreview };

/** What setting an add-on's quantity at `at` would add to the next invoice and to the price per period; changes nothing. */
export const previewAddOnChange = defineQuery<AddOnChangePreview, [SetAddOnCommand & { at: string }]>('previewAddOnChange');

/** The same for a custom line's quantity, at its negotiated price; changes nothing. */
export const previewCustomLineChange = defineQuery<AddOnChangePreview, [SetCustomLineCommand & { at: string }]>('previewCustomLineChange');

/**
 * Completes once the subscription has opened (its first invoice was attempted, or its trial
 * began) and returns the state. Sent with update-with-start, so creating a subscription answers
 * with the outcome of the first charge in one round trip.
 */
export const awaitOpening = defineUpdate<SubscriptionView>('awaitOpening');

// Commands: updates with validators. A refused command fails its update (CommandRefusedError,
// HTTP 409) and changes nothing; a declined charge fails it with PaymentDeclinedError (402).
export const changePlan = defineUpdate<PlanChangeResult, [ChangePlanCommand]>('changePlan');
export const cancelScheduledPlanChange = defineUpdate<SubscriptionView>('cancelScheduledPlanChange');
export const cancel = defineUpdate<SubscriptionView, [CancelCommand]>('cancel');
export const uncancel = defineUpdate<SubscriptionView>('uncancel');
export const pause = defineUpdate<SubscriptionView, [PauseCommand]>('pause');
export const resume = defineUpdate<SubscriptionView, [ResumeCommand]>('resume');
/** A new card; in past_due or incomplete it is charged at once, in unpaid it reactivates. */
export const updatePaymentMethod = defineUpdate<SubscriptionView, [UpdatePaymentMethodCommand]>('updatePaymentMethod');
/** Sets a recurring add-on's quantity (0 removes it) or buys a one-time product. */
export const setAddOn = defineUpdate<SubscriptionView, [SetAddOnCommand]>('setAddOn');
/** Adds a custom line at a negotiated price (code custom-<n>); the rest of a paid period is prorated on the next invoice. */
export const addCustomLine = defineUpdate<SubscriptionView, [AddCustomLineCommand]>('addCustomLine');
/** Sets a custom line's quantity (0 removes it), prorated like an add-on, at the price agreed. */
export const setCustomLine = defineUpdate<SubscriptionView, [SetCustomLineCommand]>('setCustomLine');
export const applyCoupon = defineUpdate<SubscriptionView, [ApplyCouponCommand]>('applyCoupon');
export const removeCoupon = defineUpdate<SubscriptionView>('removeCoupon');
/** Accepts the open upsell offer: the plan changes now (prorated) and the offer's discount starts. */
export const acceptOffer = defineUpdate<PlanChangeResult, [OfferCommand]>('acceptOffer');
export const declineOffer = defineUpdate<SubscriptionView, [OfferCommand]>('declineOffer');

/** Every command's update, by command name (domain/commands.ts). */
export const COMMAND_UPDATES = {
  changePlan,
  cancelScheduledPlanChange,
  cancel,
  uncancel,
  pause,
  resume,
  updatePaymentMethod,
  setAddOn,
  addCustomLine,
  setCustomLine,
  applyCoupon,
  removeCoupon,
  acceptOffer,
  declineOffer,
} as const satisfies Record<CommandName, unknown>;

/** Commands whose answer is a PlanChangeResult rather than the subscription. */
export const PLAN_CHANGE_COMMANDS: ReadonlySet<CommandName> = new Set(['changePlan', 'acceptOffer']);

/** A fact: usage was measured (seats in use, storage, events). Recorded in a bounded summary. */
export const recordUsage = defineSignal<[UsageEvent]>('recordUsage');

/**
 * A bulk plan migration asks the subscription to move at its next renewal. A signal, so one
 * migration can reach thousands of subscriptions without waiting on each; the subscription records
 * its answer (scheduled, skipped or failed, with the reason) on the migration.
 */
export const migratePlan = defineSignal<[PlanMigrationRequest]>('migratePlan');

/**
 * A fact: the customer's billing profile changed (the API sends it to each of their live
 * subscriptions). Invoices finalized from then on are addressed and taxed by it.
 */
export const billingProfileChanged = defineSignal<[BillingProfile]>('billingProfileChanged');

/**
 * A fact from the payment gateway (a webhook, or the sandbox settling a charge): a pending charge
 * moved, a refund or dispute happened, a card expires or was removed (domain/payment-events.ts).
 */
export const paymentEvent = defineSignal<[PaymentEvent]>('paymentEvent');

/** The ApplicationFailure types a command's update can fail with (api/errors.ts maps them). */
export const FAILURE_TYPES = {
  /** The lifecycle rules refuse the command in the state it met (409). */
  refused: 'CommandRefusedError',
  /** The command's charge was declined; nothing changed (402). */
  paymentDeclined: 'PaymentDeclinedError',
} as const;

// --- search attributes -------------------------------------------------------------------------
// What ops filter on in the Temporal UI, e.g. SubscriptionStatus="past_due" AND PlanCode="pro-monthly".
// Registered on the server by infra/temporal.ts (dev server, test server, real clusters).

export const SubscriptionStatusKey = defineSearchAttributeKey('SubscriptionStatus', SearchAttributeType.KEYWORD);
export const PlanCodeKey = defineSearchAttributeKey('PlanCode', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const NextBillingAtKey = defineSearchAttributeKey('NextBillingAt', SearchAttributeType.DATETIME);
export const DunningAttemptKey = defineSearchAttributeKey('DunningAttempt', SearchAttributeType.INT);
export const CancelAtPeriodEndKey = defineSearchAttributeKey('CancelAtPeriodEnd', SearchAttributeType.BOOL);
export const HasOpenOfferKey = defineSearchAttributeKey('HasOpenOffer', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTE_KEYS = [
  SubscriptionStatusKey,
  PlanCodeKey,
  CustomerIdKey,
  NextBillingAtKey,
  DunningAttemptKey,
  CancelAtPeriodEndKey,
  HasOpenOfferKey,
] as const;
