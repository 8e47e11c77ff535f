// Telling subscriptions what their payment gateway reported (its webhooks, the sandbox's settle
// callback). A running subscription gets a signal. One that has ended gets nothing, except that a
// refund or chargeback on its invoices is still booked, by a workflow of its own.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { PaymentEvent } from '../../domain/payment-events';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { PaymentRecordWorkflow } from '../../workflows/contract';
import { paymentEvent, paymentRecordWorkflowId, WORKFLOW_TYPES } from '../../workflows/contract';
import type { ApiDeps } from '../deps';

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
 * Delivers `event` to each subscription; answers those it reached (by signal, or for an ended
 * one's refund or chargeback, by the workflow that books it). Any other failure (Temporal down)
 * surfaces, so the sender retries.
 */
export async function deliverPaymentEvent(deps: Pick<ApiDeps, 'temporal' | 'taskQueue'>, subscriptionIds: string[], event: PaymentEvent): Promise<string[]> {
  const reached: string[] = [];
  for (const id of subscriptionIds) {
    try {
      await deps.temporal.workflow.getHandle(subscriptionWorkflowId(id)).signal(paymentEvent, event);
      reached.push(id);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      if (event.kind === 'refunded' || event.kind === 'disputed') {
        await bookAfterEnd(deps, event);
        reached.push(id);
      }
    }
  }
  return reached;
}
