// Delivering webhooks: one signed POST per attempt, each attempt recorded on its delivery row (the
// delivery log). The workflow's retry policy decides when to try again and when to give up.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { webhookBody } from '../domain/webhooks';
import { signWebhook } from '../infra/webhook-signature';
import type { ActivityDeps } from './deps';

/** A receiver that has not answered by then is counted as failed and retried later. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Posts `body`; any 2xx is success. Redirects are not followed: a 3xx is a failure, as with Stripe. */
async function post(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.ok) return { ok: true, statusCode: response.status, error: null };
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { ok: false, statusCode: null, error: `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` };
    }
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, statusCode: null, error: cause ?? String(error) };
  }
}

/**
 * A receiver that is down is expected, not a fault of this engine: benign failures are logged at
 * debug level (a dead endpoint would otherwise log a warning per attempt); the delivery log has them.
 */
function receiverFailure(message: string, type: string, nonRetryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable, category: ApplicationFailureCategory.BENIGN });
}

export function createWebhookActivities({ prisma }: ActivityDeps) {
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
      const outcome = await post(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'subscription-engine-webhooks/1',
          'webhook-id': event.id,
          'webhook-event': event.type,
          // Signed at each attempt: the timestamp is the moment of sending, not of the event.
          'webhook-signature': signWebhook(endpoint.secret, body),
        },
        body,
      );
      const at = new Date();
      await prisma.webhookDelivery.updateMany({
        where: { id: deliveryId, status: 'pending' },
        data: {
          attempts: Context.current().info.attempt,
          lastAttemptAt: at,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          ...(outcome.ok ? { status: 'delivered', deliveredAt: at } : {}),
        },
      });
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
