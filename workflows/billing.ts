// The steps that move money: bill a period, collect an invoice, change plan now.
import { ApplicationFailure } from '@temporalio/workflow';
import { chargeKey, invoiceIssued, nextAttempt, paymentFailed, paymentSucceeded, renewalInvoice } from '../domain/collection';
import { email } from '../domain/effects';
import type { PlanChangeQuote } from '../domain/plan-change';
import { applyPlanChangeNow } from '../domain/plan-change';
import type { InvoiceSummary, SubscriptionState } from '../domain/subscription';
import { update } from '../domain/subscription';
import { activities, local } from './activities';
import type { EffectRunner } from './effects';

/** Mutable holder of the state, shared by the workflow's steps and handlers. */
export interface Subscription {
  state: SubscriptionState;
  effects: EffectRunner;
}

const nowIso = () => new Date().toISOString();

async function charge(sub: Subscription, invoice: InvoiceSummary, at: string) {
  const attempt = nextAttempt(sub.state, invoice.number);
  const result = await activities.chargeInvoice.executeWithOptions(
    { summary: `charge invoice ${invoice.number}, attempt ${attempt}` },
    [
      {
        invoiceNumber: invoice.number,
        attempt,
        idempotencyKey: chargeKey(sub.state, invoice, attempt),
        paymentMethod: sub.state.paymentMethod,
        at,
      },
    ],
  );
  return { result, charged: { ...invoice, attempts: attempt } };
}

/**
 * One attempt to collect `invoice`; success or failure moves the lifecycle (activation, dunning…).
 * `at` is the business time of the attempt: the scheduled time for timer-driven steps, so records
 * and schedules do not drift by the milliseconds a workflow task takes.
 */
export async function collect(sub: Subscription, invoice: InvoiceSummary, at = nowIso()): Promise<void> {
  const { result, charged } = await charge(sub, invoice, at);
  const step = result.outcome === 'succeeded' ? paymentSucceeded(sub.state, charged, at) : paymentFailed(sub.state, charged, result, at);
  sub.state = step.state;
  await sub.effects.carryOut(step.effects);
}

export async function billCurrentPeriod(sub: Subscription, at = nowIso()): Promise<void> {
  const built = renewalInvoice(sub.state, at);
  const invoice = await local.issueInvoice.executeWithOptions({ summary: `issue invoice ${built.draft.number}` }, [built.draft]);
  sub.state = invoiceIssued(sub.state, built, invoice);
  await collect(sub, invoice, at);
}

/** The invoice under collection in dunning (the latest one: no other is issued meanwhile). */
export function invoiceInDunning(state: SubscriptionState): InvoiceSummary {
  const invoice = state.latestInvoice;
  if (!invoice || invoice.number !== state.dunning?.invoiceNumber) {
    throw ApplicationFailure.nonRetryable(`invoice ${state.dunning?.invoiceNumber} is not the latest invoice`, 'InconsistentState');
  }
  return invoice;
}

/**
 * A change now is applied only once its invoice is paid (Stripe's pending-if-incomplete):
 * a declined card leaves the plan as it was and voids the invoice.
 */
export async function changePlanNow(sub: Subscription, quote: PlanChangeQuote): Promise<InvoiceSummary | null> {
  if (!quote.invoice) {
    const step = applyPlanChangeNow(sub.state, quote, null);
    sub.state = step.state;
    await sub.effects.carryOut(step.effects);
    return null;
  }
  const issued = await local.issueInvoice.executeWithOptions(
    { summary: `issue invoice ${quote.invoice.draft.number} (plan change)` },
    [quote.invoice.draft],
  );
  const at = quote.effectiveAt;
  const { result, charged } = await charge(sub, issued, at);
  if (result.outcome === 'declined') {
    sub.state = update(sub.state, { invoiceCount: sub.state.invoiceCount + 1 });
    await sub.effects.carryOut([{ kind: 'invoice_status', invoiceNumber: issued.number, status: 'void', at }]);
    throw ApplicationFailure.create({
      type: 'PaymentDeclinedError',
      message: `the plan change was not applied: ${result.message}`,
      nonRetryable: true,
      details: [{ invoiceNumber: issued.number, declineCode: result.declineCode }],
    });
  }
  const paid: InvoiceSummary = { ...charged, status: 'paid', paidAt: at };
  const step = applyPlanChangeNow(sub.state, quote, paid);
  sub.state = step.state;
  await sub.effects.carryOut([
    ...step.effects,
    email(step.state, paid.number, { template: 'receipt', invoiceNumber: paid.number, amountCents: paid.amountCents, currency: paid.currency, paidAt: at }),
  ]);
  return paid;
}
