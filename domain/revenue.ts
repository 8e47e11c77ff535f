// Which statuses count as revenue, churn and dunning: shared by the projection's maintained
// totals (activities/subscription-totals.ts) and the reports that read them (api/services/reports.ts).
import type { SubscriptionStatus } from './status';

/** Statuses whose subscriptions pay every period: what monthly recurring revenue counts. */
export const MRR_STATUSES = ['active', 'past_due'] as const satisfies readonly SubscriptionStatus[];

/** A customer who paid and left: into `canceled` from one of these is churn (a trial or an unpaid first invoice is not). */
export const CHURN_FROM = ['active', 'past_due', 'unpaid', 'paused'] as const satisfies readonly SubscriptionStatus[];

/** Statuses of a subscription whose invoice is being collected after a decline, or was given up on. */
export const DUNNING_STATUSES = ['past_due', 'unpaid'] as const satisfies readonly SubscriptionStatus[];
