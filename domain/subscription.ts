// The state a subscription workflow carries from run to run (plain JSON: it crosses
// continue-as-new and is returned by queries), and the pure steps that move it along.
import type { Period } from './calendar';
import { billingPeriod } from './calendar';
import type { InvoiceDraft } from './invoice';
import { buildInvoice, invoiceNumber, planLine } from './invoice';
import type { PlanSnapshot } from './plans';
import type { SubscriptionStatus } from './status';
import { initialStatus } from './status';

export interface CustomerRef {
  id: string;
  email: string;
  name?: string | null;
}

/** What starts a subscription; also what the API validates. */
export interface SubscriptionStart {
  subscriptionId: string;
  customer: CustomerRef;
  plan: PlanSnapshot;
  paymentMethod: string;
  /** Overrides the plan's trial length. */
  trialDays?: number;
  /** IANA zone whose calendar the billing periods follow. */
  timeZone?: string;
}

export interface InvoiceSummary {
  number: string;
  amountCents: number;
  currency: string;
  status: 'open' | 'paid' | 'void' | 'uncollectible';
  periodIndex: number | null;
  attempts: number;
  paidAt: string | null;
}

export interface SubscriptionState {
  id: string;
  customer: CustomerRef;
  plan: PlanSnapshot;
  paymentMethod: string;
  timeZone: string;
  status: SubscriptionStatus;
  createdAt: string;
  /** Billing cycle anchor: period `anchorPeriodIndex` starts here. */
  anchor: string;
  anchorPeriodIndex: number;
  /** Counts periods since creation; never reset, so (subscription, periodIndex) identifies a period. */
  periodIndex: number;
  currentPeriod: Period;
  /** True once the current period's invoice has been issued (or the period needs none). */
  currentPeriodInvoiced: boolean;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  endedAt: string | null;
  /** Invoices issued so far; the next invoice number is derived from it. */
  invoiceCount: number;
  latestInvoice: InvoiceSummary | null;
  /** Bumped on every change; the database projection ignores writes older than it has. */
  version: number;
  runs: { count: number; lastHistoryLength: number; maxHistoryLength: number };
}

const DAY_MS = 86_400_000;

export function openSubscription(start: SubscriptionStart, now: Date): SubscriptionState {
  const trialDays = start.trialDays ?? start.plan.trialDays;
  const createdAt = now.toISOString();
  const timeZone = start.timeZone ?? 'UTC';
  const trialEnd = trialDays > 0 ? new Date(now.getTime() + trialDays * DAY_MS).toISOString() : null;
  // A trial is period 0 and is not billed; billing periods then follow the calendar from its end.
  const anchor = trialEnd ?? createdAt;
  const anchorPeriodIndex = trialEnd ? 1 : 0;
  return {
    id: start.subscriptionId,
    customer: start.customer,
    plan: start.plan,
    paymentMethod: start.paymentMethod,
    timeZone,
    status: initialStatus(trialEnd !== null),
    createdAt,
    anchor,
    anchorPeriodIndex,
    periodIndex: 0,
    currentPeriod: trialEnd
      ? { start: createdAt, end: trialEnd }
      : billingPeriod(anchor, start.plan.interval, 0, timeZone),
    currentPeriodInvoiced: trialEnd !== null,
    trialEnd,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    invoiceCount: 0,
    latestInvoice: null,
    version: 1,
    runs: { count: 0, lastHistoryLength: 0, maxHistoryLength: 0 },
  };
}

export function periodAt(state: SubscriptionState, periodIndex: number): Period {
  return billingPeriod(state.anchor, state.plan.interval, periodIndex - state.anchorPeriodIndex, state.timeZone);
}

/** Moves to the next period; its invoice is then due. */
export function advancePeriod(state: SubscriptionState): SubscriptionState {
  const periodIndex = state.periodIndex + 1;
  return {
    ...state,
    periodIndex,
    currentPeriod: periodAt(state, periodIndex),
    currentPeriodInvoiced: false,
    version: state.version + 1,
  };
}

/** The invoice for the whole current period, at the plan's price. */
export function periodInvoice(state: SubscriptionState, issuedAt: Date): InvoiceDraft {
  return buildInvoice(
    {
      number: invoiceNumber(state.id, state.invoiceCount + 1),
      subscriptionId: state.id,
      customerId: state.customer.id,
      periodIndex: state.periodIndex,
      billingReason: state.invoiceCount === 0 ? 'subscription_create' : 'subscription_cycle',
      period: state.currentPeriod,
      currency: state.plan.currency,
      issuedAt: issuedAt.toISOString(),
    },
    [planLine(state.plan, state.currentPeriod)],
  );
}

export function withStatus(state: SubscriptionState, status: SubscriptionStatus): SubscriptionState {
  return status === state.status ? state : { ...state, status, version: state.version + 1 };
}

/** When the workflow next has something to do on its own. */
export function nextBillingAt(state: SubscriptionState): string | null {
  if (state.status === 'canceled' || state.status === 'incomplete_expired') return null;
  return state.currentPeriodInvoiced ? state.currentPeriod.end : state.currentPeriod.start;
}

export function subscriptionWorkflowId(subscriptionId: string): string {
  return `subscription-${subscriptionId}`;
}

/** Opened: the trial began or the first invoice has had a charge attempt. */
export function hasOpened(state: SubscriptionState): boolean {
  return state.status !== 'incomplete' || (state.latestInvoice?.attempts ?? 0) > 0;
}
