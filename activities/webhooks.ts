// Delivering webhooks: one signed POST per attempt, each attempt recorded on its delivery row (the
// delivery log). The workflow's retry policy decides when to try again and when to give up. A
// target the policy refuses (infra/webhook-target.ts) fails the delivery at once, nothing sent: it
// is a configuration error that retrying cannot fix, and an internal address is not to be hammered.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { signingSecrets } from '../domain/webhook-secrets';
import { webhookBody } from '../domain/webhooks';
import { postWebhook } from '../infra/webhook-request';
import { signWebhook } from '../infra/webhook-signature';
import { STRICT_TARGETS } from '../infra/webhook-target';
import type { ActivityDeps } from './deps';

/**
 * A receiver that is down is expected, not a fault of this engine: benign failures are logged at
 * debug level (a dead endpoint would otherwise log a warning per attempt); the delivery log has them.
 */
function receiverFailure(message: string, type: string, nonRetryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable, category: ApplicationFailureCategory.BENIGN });
}

export function createWebhookActivities({ prisma, webhookTargets = STRICT_TARGETS }: ActivityDeps) {
  return {
    /** One delivery attempt. Throws (to be retried) unless the endpoint answered 2xx. */
    async deliverWebhook(deliveryId: string): Promise<void> {
      const delivery = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { event: true, endpoint: true } });
      if (!delivery) throw ApplicationFailure.nonRetryable(`webhook delivery ${deliveryId} does not exist`, 'UnknownWebhookDelivery');
      // Already delivered: a retry of an attempt whose completion was lost.
      if (delivery.status !== 'pending') return;
      const { event, endpoint } = delivery;
      if (!endpoint.enabled) {
        await prisma.webhookDelivery.updateMany({ where: { id: deliveryId, status: 'pending' }, data: { lastError: 'endpoint disabled' } });
        throw receiverFailure(`webhook endpoint ${endpoint.id} is disabled`, 'WebhookEndpointDisabled', true);
      }

      const body = webhookBody({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.payload });
      // Temporal's clock: in production the moment of this attempt, in tests the skipped-to time.
      const attemptAt = new Date(Context.current().info.currentAttemptScheduledTimestampMs);
      const outcome = await postWebhook(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'subscription-engine-webhooks/1',
          'webhook-id': event.id,
          'webhook-event': event.type,
          // Signed at each attempt: the timestamp is the moment of sending, not of the event.
          'webhook-signature': signWebhook(signingSecrets(endpoint, attemptAt), body),
        },
        body,
        webhookTargets,
      );
      const at = new Date();
      await prisma.webhookDelivery.updateMany({
        where: { id: deliveryId, status: 'pending' },
        data: {
          attempts: Context.current().info.attempt,
          lastAttemptAt: at,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          lastLatencyMs: outcome.latencyMs,
          lastResponseBytes: outcome.responseBytes,
          ...(outcome.ok ? { status: 'delivered', deliveredAt: at } : {}),
        },
      });
      if (outcome.refused) {
        throw ApplicationFailure.nonRetryable(`webhook endpoint ${endpoint.id}: ${outcome.error}`, 'WebhookTargetRefused');
      }
      if (!outcome.ok) {
        throw receiverFailure(`${endpoint.url}: ${outcome.error}`, 'WebhookDeliveryFailed', false);
      }
    },

    /** After the last attempt: the delivery stays in the log as failed, with its last error. */
    async markWebhookFailed(deliveryId: string): Promise<void> {
      await prisma.webhookDelivery.updateMany({ where: { id: deliveryId, status: 'pending' }, data: { status: 'failed' } });
    },
  };
}
