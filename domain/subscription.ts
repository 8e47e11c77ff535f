// The state a subscription workflow carries from run to run (plain JSON: it crosses
// continue-as-new and is returned by queries), and the helpers every lifecycle step shares.
import type { Period } from './calendar';
import { billingPeriod, periodBoundary } from './calendar';
import { importedPeriod } from './import';
import type { DunningPolicy, DunningState } from './dunning';
import { DEFAULT_DUNNING_POLICY } from './dunning';
import type { PlanSnapshot } from './plans';
import type { SubscriptionStatus } from './status';
import { initialStatus } from './status';
import type { SubscriptionAddOn } from './add-ons';
import type { ActiveDiscount } from './discounts';
import type { CancelReason } from './effects';
import type { InvoiceLineDraft } from './invoice';
import type { OfferHistory, OpenOffer } from './offers';
import type { PackageItems } from './packages';
import type { UsageSummary } from './usage';
import { emptyUsage, rollUsage } from './usage';
import type { PeriodAccount } from './credit';
import { FULL_RATE } from './credit';
import type { BillingProfile, SellerTaxSetup } from './tax/types';
import type { PendingPayment } from './pending-payment';

export interface CustomerRef {
  id: string;
  email: string;
  name?: string | null;
  /** Who invoices are addressed to and how they are taxed; kept current by the billingProfileChanged signal. */
  billing?: BillingProfile | null;
}

export interface SubscriptionPolicy {
  dunning: DunningPolicy;
  /** Days before a trial ends that the reminder email goes out. */
  trialReminderDays: number;
  /** How long a subscription whose first payment failed waits for a working card. */
  incompleteExpiryHours: number;
  /** The seller's country and VAT registration (from its profile); absent: DEFAULT_SELLER_TAX. */
  seller?: SellerTaxSetup;
  /** How long a charge may wait for the customer's authentication or its settlement; absent: 72 hours. */
  pendingPaymentHours?: number;
  /**
   * How long after a period's end its usage may still be reported (late events), and so how long
   * the renewal of a subscription with metered add-ons waits before billing it; absent: 1 hour.
   */
  usageGraceHours?: number;
  /** How many days before a period starts its deliveries become final (domain/deliveries.ts); absent: 3. */
  deliveryCutoffDays?: number;
}

export const DEFAULT_POLICY: SubscriptionPolicy = {
  dunning: DEFAULT_DUNNING_POLICY,
  trialReminderDays: 3,
  incompleteExpiryHours: 23,
};

/** What starts a subscription; also what the API validates. */
export interface SubscriptionStart {
  subscriptionId: string;
  customer: CustomerRef;
  plan: PlanSnapshot;
  paymentMethod: string;
  /** Overrides the plan's trial length. */
  trialDays?: number;
  /**
   * Imported from another billing system, paid there until this instant (domain/import.ts): the
   * subscription opens active, is not charged for this period, and renews when it ends. No trial.
   */
  currentPeriodEnd?: string;
  /** IANA zone whose calendar the billing periods follow. */
  timeZone?: string;
  policy?: SubscriptionPolicy;
  /**
   * The amount rules' version it is billed under (domain/rules.ts), chosen by whoever starts it:
   * part of the workflow's input, so a replay of its history uses the version it started with.
   * Absent: version 1.
   */
  rules?: number;
  /**
   * A custom package (domain/packages.ts): add-ons, custom lines and a coupon, priced by whoever
   * starts the subscription. They are in its first state, so the first invoice bills them.
   */
  items?: PackageItems;
}

export interface InvoiceSummary {
  number: string;
  amountCents: number;
  currency: string;
  status: 'open' | 'paid' | 'void' | 'uncollectible';
  periodIndex: number | null;
  billingReason: string;
  attempts: number;
  paidAt: string | null;
  /**
   * The billing period whose plan and add-ons this invoice buys, with their list price (gross) and
   * what is charged for them after discounts (net); null for invoices that buy no period.
   */
  service?: InvoiceService | null;
  /** Account credit this invoice used; given back if it is voided. */
  creditAppliedCents?: number;
  /**
   * Credit for time already paid that this period invoice carried from earlier changes (add-ons
   * removed mid-period); given back as account credit if it is voided (rules 3).
   */
  carriedCreditCents?: number;
}

export interface InvoiceService {
  periodIndex: number;
  /** The list price of the period's plan and add-ons, in the prices' own terms (with or without VAT). */
  grossCents: number;
  /** What the customer pays for them: after discounts, VAT included. */
  netCents: number;
}

export interface SubscriptionState {
  id: string;
  customer: CustomerRef;
  plan: PlanSnapshot;
  paymentMethod: string;
  timeZone: string;
  policy: SubscriptionPolicy;
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
  trialReminderSent: boolean;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  endedAt: string | null;
  cancelReason: CancelReason | null;
  /** A plan change that applies when the current period ends (downgrades by default). */
  scheduledChange: { plan: PlanSnapshot; requestedAt: string } | null;
  pause: { startedAt: string; resumesAt: string | null } | null;
  /** A pause requested for the end of the current period. */
  pauseAtPeriodEnd: { periods: number | null } | null;
  /** The invoice being collected after a failed charge. */
  dunning: DunningState | null;
  /** A charge waiting for the customer (SCA) or for settlement; nothing else charges meanwhile. */
  pendingPayment: PendingPayment | null;
  /** Credit owed to the customer (from downgrades and pauses), applied to the next invoices. */
  creditBalanceCents: number;
  /** What was paid for the current period and what of it went back (domain/credit.ts). */
  account: PeriodAccount | null;
  /** Recurring add-ons, billed on every period invoice. */
  addOns: SubscriptionAddOn[];
  /** Lines waiting for the next invoice: add-on prorations, one-time products. */
  pendingItems: InvoiceLineDraft[];
  discount: ActiveDiscount | null;
  usage: UsageSummary;
  stats: { paidPeriods: number; consecutivePaidPeriods: number; failedPayments: number };
  offer: OpenOffer | null;
  offers: OfferHistory;
  /** Invoices issued so far; the next invoice number is derived from it. */
  invoiceCount: number;
  latestInvoice: InvoiceSummary | null;
  /** Bumped on every change; the database projection ignores writes older than it has. */
  version: number;
  /** The version of the amount rules this subscription is billed under (domain/rules.ts). */
  rules: number;
  /** Ids of the latest commands (workflow updates) applied, so one retried after continue-as-new applies once. */
  recentCommandIds: string[];
  runs: { count: number; lastHistoryLength: number; maxHistoryLength: number };
}

const DAY_MS = 86_400_000;

export function subscriptionWorkflowId(subscriptionId: string): string {
  return `subscription-${subscriptionId}`;
}

export function openSubscription(start: SubscriptionStart, now: Date): SubscriptionState {
  const trialDays = start.trialDays ?? start.plan.trialDays;
  const createdAt = now.toISOString();
  const timeZone = start.timeZone ?? 'UTC';
  const imported = start.currentPeriodEnd ?? null;
  const trialEnd = !imported && trialDays > 0 ? new Date(now.getTime() + trialDays * DAY_MS).toISOString() : null;
  // A trial, or an imported period paid elsewhere, is period 0 and is not billed here; billing
  // periods then follow the calendar from its end.
  const anchor = trialEnd ?? imported ?? createdAt;
  const unbilledFirstPeriod = trialEnd !== null || imported !== null;
  const openedPeriod: Period = trialEnd
    ? { start: createdAt, end: trialEnd }
    : imported
      ? importedPeriod(start.plan, imported, timeZone)
      : billingPeriod(anchor, start.plan.interval, 0, timeZone);
  return {
    id: start.subscriptionId,
    customer: start.customer,
    plan: start.plan,
    paymentMethod: start.paymentMethod,
    timeZone,
    policy: start.policy ?? DEFAULT_POLICY,
    status: initialStatus(trialEnd ? 'trial' : imported ? 'imported' : 'new'),
    createdAt,
    anchor,
    anchorPeriodIndex: unbilledFirstPeriod ? 1 : 0,
    periodIndex: 0,
    currentPeriod: openedPeriod,
    currentPeriodInvoiced: unbilledFirstPeriod,
    trialEnd,
    trialReminderSent: false,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    endedAt: null,
    cancelReason: null,
    scheduledChange: null,
    pause: null,
    pauseAtPeriodEnd: null,
    dunning: null,
    pendingPayment: null,
    creditBalanceCents: 0,
    // An imported period was paid in full elsewhere: its unused time can be credited, never refunded.
    account: imported ? { periodIndex: 0, paidCents: start.plan.amountCents, returnedCents: 0, rates: { plan: FULL_RATE, addOns: FULL_RATE }, charges: [] } : null,
    addOns: start.items?.addOns ?? [],
    pendingItems: start.items?.pendingItems ?? [],
    discount: start.items?.discount ?? null,
    usage: emptyUsage(0),
    stats: { paidPeriods: 0, consecutivePaidPeriods: 0, failedPayments: 0 },
    offer: null,
    offers: { made: 0, cooldownUntil: null, lastUsageEvaluationAt: null },
    invoiceCount: 0,
    latestInvoice: null,
    version: 1,
    rules: start.rules ?? 1,
    recentCommandIds: [],
    runs: { count: 0, lastHistoryLength: 0, maxHistoryLength: 0 },
  };
}

/**
 * A state carried over from an older version of this code, with the fields added since given
 * their defaults (a running workflow continues-as-new into the new code with its old state).
 */
export function withDefaults(state: SubscriptionState): SubscriptionState {
  return {
    ...state,
    plan: { ...state.plan, quotas: state.plan.quotas ?? {} },
    addOns: state.addOns ?? [],
    pendingItems: state.pendingItems ?? [],
    discount: state.discount ?? null,
    usage: state.usage ?? emptyUsage(state.periodIndex),
    stats: state.stats ?? { paidPeriods: 0, consecutivePaidPeriods: 0, failedPayments: 0 },
    offer: state.offer ?? null,
    offers: state.offers ?? { made: 0, cooldownUntil: null, lastUsageEvaluationAt: null },
    account: state.account ?? null,
    rules: state.rules ?? 1,
    recentCommandIds: state.recentCommandIds ?? [],
    pendingPayment: state.pendingPayment ?? null,
  };
}

/** A copy with `patch` applied and the version bumped. */
export function update(state: SubscriptionState, patch: Partial<SubscriptionState>): SubscriptionState {
  return { ...state, ...patch, version: state.version + 1 };
}

/** The full calendar period with index `periodIndex` (the current one may start later, after a resume). */
export function calendarPeriod(state: SubscriptionState, periodIndex = state.periodIndex): Period {
  return billingPeriod(state.anchor, state.plan.interval, periodIndex - state.anchorPeriodIndex, state.timeZone);
}

/** Moves to the next calendar period; its invoice is then due. */
export function advancePeriod(state: SubscriptionState): SubscriptionState {
  const periodIndex = state.periodIndex + 1;
  return update(state, {
    periodIndex,
    currentPeriod: calendarPeriod(state, periodIndex),
    currentPeriodInvoiced: false,
    usage: rollUsage(state.usage, periodIndex),
  });
}

/** Starts a new calendar at `at`: the next period begins there (resume, reactivation, interval change). */
export function reanchor(state: SubscriptionState, at: string, plan: PlanSnapshot = state.plan): SubscriptionState {
  const periodIndex = state.periodIndex + 1;
  return update(state, {
    plan,
    anchor: at,
    anchorPeriodIndex: periodIndex,
    periodIndex,
    currentPeriod: { start: at, end: periodBoundary(at, plan.interval, 1, state.timeZone).toISOString() },
    currentPeriodInvoiced: false,
    usage: rollUsage(state.usage, periodIndex),
  });
}

/** Opened: the trial began or the first invoice has had a charge attempt. */
export function hasOpened(state: SubscriptionState): boolean {
  return state.status !== 'incomplete' || (state.latestInvoice?.attempts ?? 0) > 0;
}

export function isEnded(state: SubscriptionState): boolean {
  return state.status === 'canceled' || state.status === 'incomplete_expired';
}

/** When the subscription will next be charged on its own, if ever. */
export function nextBillingAt(state: SubscriptionState): string | null {
  if (isEnded(state) || state.cancelAtPeriodEnd) return null;
  if (state.status === 'paused') return state.pause?.resumesAt ?? null;
  if (state.status === 'unpaid' || state.status === 'incomplete') return null;
  if (state.dunning) return state.dunning.nextRetryAt;
  return state.currentPeriodInvoiced ? state.currentPeriod.end : state.currentPeriod.start;
}
