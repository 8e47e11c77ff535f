// Dunning: what happens after a renewal payment fails.
//
// Retries are scheduled from the first failure (default like Stripe's: 4 retries over 21 days,
// at +3, +8, +15 and +21 days). A soft decline waits for the next scheduled retry; a hard decline
// (stolen, expired…) is not retried until the payment method changes. A payment-method update
// retries at once, as an extra attempt that does not use up a scheduled slot. When the last
// scheduled retry fails, or a hard decline reaches the end of the schedule, the policy's final
// action applies: cancel the subscription, or keep it as `unpaid`.
import type { DeclineType } from './payments';

export interface DunningPolicy {
  /** Days between retries, the first counted from the failed renewal. */
  retryDelaysDays: number[];
  finalAction: 'cancel' | 'unpaid';
}

export const DEFAULT_DUNNING_POLICY: DunningPolicy = { retryDelaysDays: [3, 5, 7, 6], finalAction: 'cancel' };

export interface DunningState {
  invoiceNumber: string;
  startedAt: string;
  /** Charge attempts made on the invoice so far (the original charge included). */
  attempts: number;
  lastAttemptAt: string;
  lastDeclineCode: string;
  lastDeclineType: DeclineType;
  /** When the next automatic retry runs; null while waiting for a new payment method. */
  nextRetryAt: string | null;
  /** When the final action applies if nothing succeeded. */
  deadline: string;
}

const DAY_MS = 86_400_000;

export function scheduledRetryTimes(policy: DunningPolicy, startedAt: string): string[] {
  const times: string[] = [];
  let at = new Date(startedAt).getTime();
  for (const days of policy.retryDelaysDays) {
    at += days * DAY_MS;
    times.push(new Date(at).toISOString());
  }
  return times;
}

export interface FailedAttempt {
  invoiceNumber: string;
  at: string;
  declineCode: string;
  declineType: DeclineType;
}

export type DunningOutcome =
  | { kind: 'retry_scheduled'; dunning: DunningState }
  | { kind: 'awaiting_payment_method'; dunning: DunningState }
  | { kind: 'exhausted'; dunning: DunningState };

/** The dunning state after a failed attempt (`previous` is null for the renewal's first failure). */
export function afterFailedAttempt(policy: DunningPolicy, previous: DunningState | null, failure: FailedAttempt): DunningOutcome {
  const startedAt = previous?.startedAt ?? failure.at;
  const schedule = scheduledRetryTimes(policy, startedAt);
  const deadline = schedule.at(-1) ?? startedAt;
  const nextScheduled = schedule.find((time) => time > failure.at) ?? null;
  const base = {
    invoiceNumber: failure.invoiceNumber,
    startedAt,
    attempts: (previous?.attempts ?? 0) + 1,
    lastAttemptAt: failure.at,
    lastDeclineCode: failure.declineCode,
    lastDeclineType: failure.declineType,
    deadline,
  };
  if (failure.declineType === 'hard') {
    const dunning = { ...base, nextRetryAt: null };
    return failure.at >= deadline ? { kind: 'exhausted', dunning } : { kind: 'awaiting_payment_method', dunning };
  }
  const dunning = { ...base, nextRetryAt: nextScheduled };
  return nextScheduled ? { kind: 'retry_scheduled', dunning } : { kind: 'exhausted', dunning };
}

/** True when the next scheduled retry is the last one (the customer gets a final notice). */
export function isFinalRetryNext(policy: DunningPolicy, dunning: Pick<DunningState, 'nextRetryAt' | 'startedAt'>): boolean {
  return dunning.nextRetryAt !== null && dunning.nextRetryAt === scheduledRetryTimes(policy, dunning.startedAt).at(-1);
}

/** When the workflow must act on its own during dunning. */
export function dunningDueAt(dunning: DunningState): { at: string; kind: 'retry' | 'deadline' } {
  return dunning.nextRetryAt ? { at: dunning.nextRetryAt, kind: 'retry' } : { at: dunning.deadline, kind: 'deadline' };
}
