// The Markdown shown as "current details" of a subscription workflow in the Temporal UI.
import { formatMoney } from '../domain/money';
import type { PlanSnapshot } from '../domain/plans';
import type { SubscriptionView } from './contract';

/** The plan's code, and its price version when the snapshot has one. */
function planAt(plan: PlanSnapshot): string {
  return plan.priceVersion === undefined ? plan.code : `${plan.code}, price version ${plan.priceVersion}`;
}

export function describeState(view: SubscriptionView): string {
  const lines = [
    `**${view.status}** · ${view.plan.name} (${planAt(view.plan)}) · ${formatMoney(view.plan)}`,
    `Customer: ${view.customer.email} (${view.customer.id})`,
    `Period ${view.periodIndex}: ${view.currentPeriod.start} → ${view.currentPeriod.end}`,
    `Next billing: ${view.nextBillingAt ?? 'none'}`,
  ];
  if (view.status === 'trialing' && view.trialEnd) lines.push(`Trial ends: ${view.trialEnd}`);
  if (view.dunning) {
    const { dunning } = view;
    lines.push(
      `Dunning: invoice ${dunning.invoiceNumber}, ${dunning.attempts} attempt(s), last decline ${dunning.lastDeclineCode} (${dunning.lastDeclineType}), ` +
        (dunning.nextRetryAt ? `next retry ${dunning.nextRetryAt}` : 'waiting for a new payment method') +
        `, deadline ${dunning.deadline}`,
    );
  }
  if (view.pendingPayment) {
    const { pendingPayment: pending } = view;
    const why = pending.reason === 'action_required' ? 'action required: waiting for the customer to authenticate' : 'processing: waiting for the payment to settle';
    lines.push(`Payment in flight: invoice ${pending.charge.invoice.number}, charge ${pending.chargeId}, ${why}, until ${pending.expiresAt}`);
  }
  if (view.scheduledChange) lines.push(`Changes to ${planAt(view.scheduledChange.plan)} on ${view.currentPeriod.end}`);
  if (view.pause) lines.push(`Paused since ${view.pause.startedAt}, ${view.pause.resumesAt ? `resumes ${view.pause.resumesAt}` : 'until resumed'}`);
  if (view.pauseAtPeriodEnd) lines.push('Pauses at period end');
  if (view.cancelAtPeriodEnd) lines.push('Cancels at period end');
  if (view.addOns.length > 0) {
    lines.push(`Add-ons: ${view.addOns.map((a) => `${a.name} × ${a.quantity}`).join(', ')}`);
  }
  if (view.discount) {
    lines.push(`Discount: ${view.discount.name}${view.discount.remainingPeriods === null ? '' : `, ${view.discount.remainingPeriods} period(s) left`}`);
  }
  if (view.offer) lines.push(`Open offer ${view.offer.id}: ${view.offer.plan.code} at ${view.offer.percentOff}% off, until ${view.offer.expiresAt}`);
  if (view.creditBalanceCents > 0) lines.push(`Account credit: ${formatMoney({ amountCents: view.creditBalanceCents, currency: view.plan.currency })}`);
  if (view.latestInvoice) {
    const invoice = view.latestInvoice;
    lines.push(`Latest invoice: ${invoice.number}, ${formatMoney(invoice)}, ${invoice.status}, ${invoice.attempts} attempt(s)`);
  }
  return lines.join('\n\n');
}
