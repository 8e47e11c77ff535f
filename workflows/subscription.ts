// One long-lived workflow per subscription (id `subscription-<id>`). Each run covers one billing
// period: bill it, wait for its end, then continue-as-new, so the history stays small forever.
// The rules live in domain/; this file wires them to timers and activities.
import * as wf from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { chargeIdempotencyKey } from '../domain/payments';
import type { SubscriptionStart, SubscriptionState } from '../domain/subscription';
import { advancePeriod, hasOpened, nextBillingAt, openSubscription, periodInvoice, subscriptionWorkflowId, withStatus } from '../domain/subscription';
import { nextStatus } from '../domain/status';
import { awaitOpening, getSubscription, type SubscriptionView } from './messages';
import { describeState } from './details';
import {
  CustomerIdKey,
  NextBillingAtKey,
  PlanCodeKey,
  SubscriptionStatusKey,
} from './search-attributes';

const activities = wf.proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  // Billing must not give up on an outage: retry with capped backoff until the dependency is back.
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: ['UnknownInvoice', 'DuplicatePeriodInvoice'],
  },
});

export interface SubscriptionWorkflowInput {
  start: SubscriptionStart;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: SubscriptionState;
}

function now(): Date {
  return new Date();
}

function untilMs(instant: string): number {
  return Math.max(0, new Date(instant).getTime() - Date.now());
}

export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<SubscriptionState> {
  const initial = input.state ?? openSubscription(input.start, now());
  let state: SubscriptionState = { ...initial, runs: { ...initial.runs, count: initial.runs.count + 1 } };
  let syncedVersion = 0;
  const workflowId = subscriptionWorkflowId(state.id);

  const view = (): SubscriptionView => ({ ...state, workflowId, nextBillingAt: nextBillingAt(state) });
  wf.setHandler(getSubscription, view);
  wf.setHandler(awaitOpening, async () => {
    await wf.condition(() => hasOpened(state));
    return view();
  });

  async function publish(): Promise<void> {
    const next = nextBillingAt(state);
    wf.upsertSearchAttributes([
      { key: SubscriptionStatusKey, value: state.status },
      { key: PlanCodeKey, value: state.plan.code },
      { key: CustomerIdKey, value: state.customer.id },
      { key: NextBillingAtKey, value: next ? new Date(next) : null },
    ]);
    wf.setCurrentDetails(describeState(view()));
    if (state.version !== syncedVersion) {
      await activities.syncSubscription.executeWithOptions(
        { summary: `record ${state.status}, period ${state.periodIndex}` },
        [state],
      );
      syncedVersion = state.version;
    }
  }

  async function billCurrentPeriod(): Promise<void> {
    const draft = periodInvoice(state, now());
    const invoice = await activities.issueInvoice.executeWithOptions({ summary: `issue invoice ${draft.number}` }, [draft]);
    state = { ...state, invoiceCount: state.invoiceCount + 1, currentPeriodInvoiced: true, latestInvoice: invoice, version: state.version + 1 };

    const attempt = invoice.attempts + 1;
    const result = await activities.chargeInvoice.executeWithOptions(
      { summary: `charge invoice ${invoice.number}, attempt ${attempt}` },
      [
        {
          invoiceNumber: invoice.number,
          attempt,
          idempotencyKey: chargeIdempotencyKey(workflowId, state.periodIndex, attempt),
          paymentMethod: state.paymentMethod,
          at: now().toISOString(),
        },
      ],
    );
    const paid = result.outcome === 'succeeded';
    state = {
      ...withStatus(state, nextStatus(state.status, paid ? 'payment_succeeded' : 'payment_failed')),
      latestInvoice: { ...invoice, attempts: attempt, status: paid ? 'paid' : 'open', paidAt: paid ? now().toISOString() : null },
    };
  }

  // A new subscription is recorded before anything refers to it (invoices have a foreign key).
  if (!input.state) await publish();
  if (!state.currentPeriodInvoiced) await billCurrentPeriod();
  await publish();

  const renewal = state.currentPeriod.end;
  await wf.condition(() => false, untilMs(renewal), { summary: `wait for renewal ${renewal.slice(0, 10)}` });

  state = advancePeriod(state);
  await wf.condition(wf.allHandlersFinished);
  const historyLength = wf.workflowInfo().historyLength;
  state = {
    ...state,
    runs: { ...state.runs, lastHistoryLength: historyLength, maxHistoryLength: Math.max(state.runs.maxHistoryLength, historyLength) },
  };
  return wf.continueAsNew<typeof subscriptionWorkflow>({ start: input.start, state });
}
