// Every signal, update and query of the subscription workflow, declared once.
// The workflow registers handlers for these; the API and tests call them through these objects.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApplyCouponCommand,
  CancelCommand,
  ChangePlanCommand,
  OfferCommand,
  PauseCommand,
  ResumeCommand,
  SetAddOnCommand,
  Timing,
  UpdatePaymentMethodCommand,
} from '../domain/commands';
import type { PlanMigrationRequest } from '../domain/plan-migration';
import type { UsageEvent } from '../domain/usage';
import type { InvoiceDraft } from '../domain/invoice';
import type { InvoiceSummary, SubscriptionState } from '../domain/subscription';

export interface SubscriptionView extends SubscriptionState {
  workflowId: string;
  nextBillingAt: string | null;
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

/**
 * Completes once the subscription has opened (its first invoice was attempted, or its trial
 * began) and returns the state. Sent with update-with-start, so creating a subscription answers
 * with the outcome of the first charge in one round trip.
 */
export const awaitOpening = defineUpdate<SubscriptionView>('awaitOpening');

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
export const applyCoupon = defineUpdate<SubscriptionView, [ApplyCouponCommand]>('applyCoupon');
export const removeCoupon = defineUpdate<SubscriptionView>('removeCoupon');
/** Accepts the open upsell offer: the plan changes now (prorated) and the offer's discount starts. */
export const acceptOffer = defineUpdate<PlanChangeResult, [OfferCommand]>('acceptOffer');
export const declineOffer = defineUpdate<SubscriptionView, [OfferCommand]>('declineOffer');

/** A fact: usage was measured (seats in use, storage, events). Recorded in a bounded summary. */
export const recordUsage = defineSignal<[UsageEvent]>('recordUsage');

/**
 * A bulk plan migration asks the subscription to move at its next renewal. A signal, so one
 * migration can reach thousands of subscriptions without waiting on each; the subscription records
 * its answer (scheduled, skipped or failed, with the reason) on the migration.
 */
export const migratePlan = defineSignal<[PlanMigrationRequest]>('migratePlan');
