// The Markdown shown as "current details" of a subscription workflow in the Temporal UI.
import { formatMoney } from '../domain/money';
import { describeInterval } from '../domain/calendar';
import type { SubscriptionStart } from '../domain/subscription';
import type { SubscriptionView } from './messages';

export function describeState(view: SubscriptionView): string {
  const lines = [
    `**${view.status}** · ${view.plan.name} (${view.plan.code}) · ${formatMoney(view.plan)}`,
    `Customer: ${view.customer.email} (${view.customer.id})`,
    `Period ${view.periodIndex}: ${view.currentPeriod.start} → ${view.currentPeriod.end}`,
    `Next billing: ${view.nextBillingAt ?? 'none'}`,
  ];
  if (view.trialEnd) lines.push(`Trial ends: ${view.trialEnd}`);
  if (view.cancelAtPeriodEnd) lines.push('Cancels at period end');
  if (view.latestInvoice) {
    const invoice = view.latestInvoice;
    lines.push(`Latest invoice: ${invoice.number}, ${formatMoney(invoice)}, ${invoice.status}, ${invoice.attempts} attempt(s)`);
  }
  return lines.join('\n\n');
}

/** One line for the workflow's static summary in the Temporal UI. */
export function describeSubscription(start: SubscriptionStart): string {
  const { plan } = start;
  return `${plan.name} (${plan.code}) for ${start.customer.email}: ${formatMoney(plan)} per ${describeInterval(plan.interval)}`;
}
