// Telling subscriptions what their payment gateway reported (its webhooks, the sandbox's settle
// callback). A running subscription gets a signal. One that has ended gets nothing, except that a
// refund or chargeback on its invoices is still booked, by a workflow of its own.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { PaymentEvent } from '../../domain/payment-events';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { PaymentRecordWorkflow } from '../../workflows/contract';
import { paymentEvent, paymentRecordWorkflowId, WORKFLOW_TYPES } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { ProblemError } from '../problem';

async function bookAfterEnd(deps: Pick<ApiDeps, 'temporal' | 'taskQueue'>, event: Extract<PaymentEvent, { kind: 'refunded' | 'disputed' }>): Promise<void> {
  try {
    await deps.temporal.workflow.start<PaymentRecordWorkflow>(WORKFLOW_TYPES.paymentRecord, {
      workflowId: paymentRecordWorkflowId(event.eventId),
      taskQueue: deps.taskQueue,
      args: [{ event }],
      staticSummary: event.kind === 'refunded' ? `refunds of charge ${event.chargeId}` : `dispute ${event.disputeId} on charge ${event.chargeId}`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Signals the subscription's running workflow; false when none runs (it ended, or never started).
 * A "not found" is checked with a describe before it is believed: an event booked "after end" for a
 * subscription that still runs would never reach it, so a running workflow is signaled once more,
 * and a second "not found" is a 503 for the sender to retry (not a 404: the subscription exists).
 */
async function signalRunning(deps: Pick<ApiDeps, 'temporal'>, id: string, event: PaymentEvent): Promise<boolean> {
  const handle = deps.temporal.workflow.getHandle(subscriptionWorkflowId(id));
  try {
    await handle.signal(paymentEvent, event);
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const running = await handle.describe().then(
      (description) => description.status.name === 'RUNNING',
      (describeError: unknown) => {
        if (describeError instanceof WorkflowNotFoundError) return false;
        throw describeError;
      },
    );
    if (!running) return false;
    try {
      await handle.signal(paymentEvent, event);
      return true;
    } catch (again) {
      if (!(again instanceof WorkflowNotFoundError)) throw again;
      throw new ProblemError(503, 'service-unavailable', `the workflow of subscription ${id} runs but did not take the event, retry later`);
    }
  }
}

/**
 * Delivers `event` to each subscription; answers those it reached (by signal, or for an ended
 * one's refund or chargeback, by the workflow that books it). Any other failure (Temporal down)
 * surfaces, so the sender retries.
 */
export async function deliverPaymentEvent(deps: Pick<ApiDeps, 'temporal' | 'taskQueue'>, subscriptionIds: string[], event: PaymentEvent): Promise<string[]> {
  const reached: string[] = [];
  for (const id of subscriptionIds) {
    if (await signalRunning(deps, id, event)) {
      reached.push(id);
    } else if (event.kind === 'refunded' || event.kind === 'disputed') {
      await bookAfterEnd(deps, event);
      reached.push(id);
    }
  }
  return reached;
}
