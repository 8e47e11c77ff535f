// Delivers one customer email, queued by a lifecycle step (activities/emails.ts, queueEmail). The
// retries live in the activity's retry policy, so a mail outage costs one workflow waiting on a
// server timer per email and holds up nothing else; the subscription workflow never waits for a
// delivery. Runs on the main task queue; its attempts run on the outbound-delivery queue, with the
// webhooks' (workflows/webhook-delivery.ts).
import { ActivityFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createEmailActivities } from '../activities/emails';
import type { EmailDeliveryInput } from './contract';

type Activities = ReturnType<typeof createEmailActivities>;

/** How long one attempt to send an email may take; the SMTP timeouts (emails/mailer.ts) stay below it. */
export const EMAIL_ATTEMPT_TIMEOUT = '1m';

/**
 * Transient failures (connection refused, timeouts, 4xx replies) are retried after waits of 10,
 * 20, 40, 80, 160 and 320 s, then every 10 min: the 438th and last attempt starts 72 h after the
 * first (plus the attempts' own time, under a minute each), then delivery gives up.
 *
 * Bounded by attempts, not by a schedule-to-close timeout: that timeout would also cut short an
 * attempt in the middle of an SMTP session, which could then still deliver an email already
 * marked failed. Every attempt here ends on its own (the SMTP timeouts stay below
 * EMAIL_ATTEMPT_TIMEOUT), and the last one's error is what the row keeps.
 *
 * A permanent rejection (a 5xx reply: no such mailbox, message refused) fails at once.
 */
export const EMAIL_RETRY_POLICY = {
  initialInterval: '10s',
  backoffCoefficient: 2,
  maximumInterval: '10m',
  maximumAttempts: 438,
  nonRetryableErrorTypes: ['EmailRejected', 'UnknownEmail', 'EmailAlreadyFailed'],
};

/** The attempts, on the outbound-delivery queue (the workflow's own for emails queued before deliveries moved). */
function attempts(deliveryQueue: string | undefined) {
  return proxyActivities<Activities>({
    startToCloseTimeout: EMAIL_ATTEMPT_TIMEOUT,
    retry: EMAIL_RETRY_POLICY,
    ...(deliveryQueue ? { taskQueue: deliveryQueue } : {}),
  });
}

const { markEmailFailed } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Why delivery gave up, as the row keeps it. */
function reason(failure: ActivityFailure): string {
  const cause = failure.cause?.message ?? failure.message;
  return failure.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? `gave up after ${EMAIL_RETRY_POLICY.maximumAttempts} attempts: ${cause}` : cause;
}

export async function emailDeliveryWorkflow({ emailKey, deliveryQueue }: EmailDeliveryInput): Promise<'sent' | 'failed'> {
  try {
    await attempts(deliveryQueue).sendEmail.executeWithOptions({ summary: `send email ${emailKey}` }, [emailKey]);
    return 'sent';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    // Workflow time: the moment delivery gave up, also in simulations.
    await markEmailFailed.executeWithOptions({ summary: `mark email ${emailKey} failed` }, [
      { emailKey, error: reason(error), at: new Date().toISOString() },
    ]);
    return 'failed';
  }
}
