// Every signal, update and query of the subscription workflow, declared once.
// The workflow registers handlers for these; the API and tests call them through these objects.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SubscriptionState } from '../domain/subscription';

export interface SubscriptionView extends SubscriptionState {
  workflowId: string;
  nextBillingAt: string | null;
}

/** The full live state. */
export const getSubscription = defineQuery<SubscriptionView>('getSubscription');

/**
 * Completes once the subscription has opened (its first invoice was attempted, or its trial
 * began) and returns the state. Sent with update-with-start, so creating a subscription answers
 * with the outcome of the first charge in one round trip.
 */
export const awaitOpening = defineUpdate<SubscriptionView>('awaitOpening');
