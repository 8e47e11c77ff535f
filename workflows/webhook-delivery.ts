// Delivers one webhook: one event to one endpoint. The retries live in the activity's retry
// policy, so a dead endpoint costs one workflow waiting on a server timer and holds up nothing
// else; the subscription workflow never waits for a delivery. The workflow runs on the main task
// queue; its attempts run on the outbound-delivery queue, whose worker's slots they alone can fill.
import { ActivityFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createWebhookActivities } from '../activities/webhooks';
import type { WebhookDeliveryInput } from './contract';

type Activities = ReturnType<typeof createWebhookActivities>;

/**
 * Every failure is retried (network errors, timeouts and any non-2xx answer, 4xx included: a
 * receiver's 400 or 404 is usually a deployment being fixed). Waits of 30 s, 1, 2, 4, 8, 16 and 32
 * min, then hourly: the 80th and last attempt comes about 73 hours (3 days) after the first.
 * Disabling the endpoint stops the retries at the next attempt. A target the policy refuses (an
 * internal address) is not a receiver being down: the activity fails that attempt non-retryable.
 */
export const WEBHOOK_RETRY_POLICY = {
  initialInterval: '30s',
  backoffCoefficient: 2,
  maximumInterval: '1h',
  maximumAttempts: 80,
  nonRetryableErrorTypes: ['WebhookEndpointDisabled', 'UnknownWebhookDelivery'],
};

/** The attempts, on the outbound-delivery queue (the workflow's own for deliveries started before they moved). */
function attempts(deliveryQueue: string | undefined) {
  return proxyActivities<Activities>({
    // Above the HTTP timeout (10 s) plus the database writes around it.
    startToCloseTimeout: '30s',
    retry: WEBHOOK_RETRY_POLICY,
    ...(deliveryQueue ? { taskQueue: deliveryQueue } : {}),
  });
}

const { markWebhookFailed } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export async function webhookDeliveryWorkflow({ deliveryId, deliveryQueue }: WebhookDeliveryInput): Promise<'delivered' | 'failed'> {
  try {
    await attempts(deliveryQueue).deliverWebhook.executeWithOptions({ summary: `deliver webhook ${deliveryId}` }, [deliveryId]);
    return 'delivered';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await markWebhookFailed(deliveryId);
    return 'failed';
  }
}
