// Builders for pure domain tests: subscription states reached through the domain's own steps,
// fixed instants, and small helpers to read effects. No I/O, no clock.
import { invoiceIssued, paymentFailed, paymentSucceeded, renewalInvoice, settleCharge } from '../../domain/collection';
import { changePlan } from '../../domain/plan-change';
import type { Effect, EmailContent, EmailTemplate } from '../../domain/effects';
import type { BuiltInvoice } from '../../domain/invoice';
import { issuedSummary } from '../../domain/invoice';
import type { ChargeResult, DeclineType } from '../../domain/payments';
import { PLAN_CATALOGUE, type PlanSnapshot } from '../../domain/plans';
import { periodEnded } from '../../domain/renewal';
import {
  DEFAULT_POLICY,
  openSubscription,
  type InvoiceSummary,
  type SubscriptionPolicy,
  type SubscriptionStart,
  type SubscriptionState,
} from '../../domain/subscription';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Subscriptions in these tests open at the end of January 2028 (a leap year): periods Jan 31 → Feb 29 → Mar 31 → Apr 30. */
export const T0 = '2028-01-31T10:00:00.000Z';
export const FEB_29 = '2028-02-29T10:00:00.000Z';
export const MAR_31 = '2028-03-31T10:00:00.000Z';
export const APR_30 = '2028-04-30T10:00:00.000Z';

export const SUBSCRIPTION_ID = 'sub_1';
export const CUSTOMER = { id: 'cus_1', email: 'ada@example.com', name: 'Ada' };

/** `iso` moved by a (possibly fractional) number of days. */
export function plusDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * DAY_MS).toISOString();
}

export function plusMs(iso: string, ms: number): string {
  return new Date(new Date(iso).getTime() + ms).toISOString();
}

export function plan(code: string): PlanSnapshot {
  const found = PLAN_CATALOGUE.find((p) => p.code === code);
  if (!found) throw new Error(`no plan ${code} in the catalogue`);
  return found;
}

export interface OpenOptions {
  at?: string;
  trialDays?: number;
  policy?: SubscriptionPolicy;
  paymentMethod?: string;
  timeZone?: string;
}

export function start(planCode: string, options: OpenOptions = {}): SubscriptionStart {
  return {
    subscriptionId: SUBSCRIPTION_ID,
    customer: CUSTOMER,
    plan: plan(planCode),
    paymentMethod: options.paymentMethod ?? 'pm_card_visa',
    ...(options.trialDays !== undefined ? { trialDays: options.trialDays } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  };
}

/** A subscription just opened (incomplete, or trialing when the plan or options give a trial). */
export function opened(planCode: string, options: OpenOptions = {}): SubscriptionState {
  return openSubscription(start(planCode, options), new Date(options.at ?? T0));
}

export function policyWith(dunning: Partial<SubscriptionPolicy['dunning']>, rest: Partial<Omit<SubscriptionPolicy, 'dunning'>> = {}): SubscriptionPolicy {
  return { ...DEFAULT_POLICY, ...rest, dunning: { ...DEFAULT_POLICY.dunning, ...dunning } };
}

/** The invoice as the subscription knows it once issued (what billPeriod records). */
export function summaryOf(built: BuiltInvoice, attempts = 0): InvoiceSummary {
  return { ...issuedSummary(built), attempts };
}

export type Decline = Extract<ChargeResult, { outcome: 'declined' }>;

export function decline(declineType: DeclineType = 'soft', declineCode = declineType === 'soft' ? 'insufficient_funds' : 'stolen_card'): Decline {
  return {
    outcome: 'declined',
    chargeId: 'ch_1',
    declineCode,
    declineType,
    message: declineType === 'soft' ? 'Your card has insufficient funds.' : 'Your card was reported stolen.',
  };
}

/** Issues the current period's invoice at `at`; returns the state and the open invoice with one attempt counted. */
export function bill(state: SubscriptionState, at: string): { state: SubscriptionState; invoice: InvoiceSummary; built: BuiltInvoice } {
  const built = renewalInvoice(state, at);
  const invoice = summaryOf(built);
  return { state: invoiceIssued(state, built, invoice), invoice: { ...invoice, attempts: 1 }, built };
}

/** Opened at `at` and its first invoice paid at once: active, period 0 invoiced and paid. */
export function active(planCode = 'basic-monthly', options: Omit<OpenOptions, 'trialDays'> = {}): SubscriptionState {
  const at = options.at ?? T0;
  const billed = bill(opened(planCode, { ...options, at, trialDays: 0 }), at);
  return paymentSucceeded(billed.state, billed.invoice, at).state;
}

/** An active subscription whose period-1 renewal (on Feb 29) has been issued and declined once. */
export function pastDue(
  declineType: DeclineType = 'soft',
  options: Omit<OpenOptions, 'trialDays'> = {},
): { state: SubscriptionState; invoice: InvoiceSummary; effects: Effect[] } {
  const renewed = periodEnded(active('basic-monthly', options)).state;
  const billed = bill(renewed, renewed.currentPeriod.start);
  const failed = paymentFailed(billed.state, billed.invoice, decline(declineType), renewed.currentPeriod.start);
  return { state: failed.state, invoice: billed.invoice, effects: failed.effects };
}

export function emails(effects: readonly Effect[]): EmailContent[] {
  return effects.flatMap((effect) => (effect.kind === 'email' ? [effect.email.content] : []));
}

export function templates(effects: readonly Effect[]): EmailTemplate[] {
  return emails(effects).map((content) => content.template);
}

/** The single email content of `template` among `effects` (fails the test if there is not exactly one). */
export function emailOf<T extends EmailTemplate>(effects: readonly Effect[], template: T): Extract<EmailContent, { template: T }> {
  const found = emails(effects).filter((content): content is Extract<EmailContent, { template: T }> => content.template === template);
  if (found.length !== 1) throw new Error(`expected one ${template} email, got ${found.length} (${templates(effects).join(', ')})`);
  return found[0]!;
}

/** A plan change as the workflow carries it out: its invoice (if any) issued, charged successfully at `at`, and settled. */
export function changePlanPaid(state: SubscriptionState, planCode: string, at: string, when: 'now' | 'period_end' = 'now'): SubscriptionState {
  const step = changePlan(state, { plan: plan(planCode), when }, at);
  const charge = step.effects.find((effect) => effect.kind === 'charge');
  return charge?.kind === 'charge' ? settleCharge(step.state, charge.charge, { outcome: 'succeeded', chargeId: 'ch_1' }).state : step.state;
}
