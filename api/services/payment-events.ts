// Telling subscriptions what their payment gateway reported. A charge belongs to the subscription
// whose invoice it was attempted on; a workflow that ended meanwhile is skipped.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PaymentEvent } from '../../domain/payment-events';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { paymentEvent } from '../../workflows/contract';
import type { ApiDeps } from '../deps';

/** The subscription whose invoice the gateway charge `chargeId` was attempted on. */
export async function subscriptionOfCharge(deps: Pick<ApiDeps, 'prisma'>, chargeId: string): Promise<string | null> {
  const attempt = await deps.prisma.paymentAttempt.findFirst({ where: { gatewayChargeId: chargeId }, select: { invoice: { select: { subscriptionId: true } } } });
  return attempt?.invoice.subscriptionId ?? null;
}

/** Signals `event` to each subscription; answers those still running that received it. */
export async function signalPaymentEvent(deps: Pick<ApiDeps, 'temporal'>, subscriptionIds: string[], event: PaymentEvent): Promise<string[]> {
  const told: string[] = [];
  for (const id of subscriptionIds) {
    try {
      await deps.temporal.workflow.getHandle(subscriptionWorkflowId(id)).signal(paymentEvent, event);
      told.push(id);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return told;
}
