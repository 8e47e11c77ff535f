// The activity stubs workflows call. Activities are imported as a type only: their code (Prisma,
// SMTP, the gateway) never enters the workflow bundle.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

// Billing must not give up on an outage: retry with capped backoff until the dependency is back.
const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  // Never retried: each means a bug (or a charge that must not happen), not an outage.
  nonRetryableErrorTypes: [
    'UnknownInvoice',
    'DuplicatePeriodInvoice',
    'NothingToRefund',
    'InvoiceNotCollectible',
    'InvoiceAlreadyPaid',
    'InvoiceAmountMismatch',
    'IdempotencyKeyReuse',
  ],
};

/** Calls to the outside world (the payment gateway): full activities with their own history events. */
export const activities = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry });

/**
 * Short, idempotent database writes run as local activities: one marker event each instead of an
 * activity's three plus a workflow task, which keeps a billing period's history small.
 */
export const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry });
