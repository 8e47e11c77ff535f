// Metered usage is billed in arrears, as Stripe and Lago do: the renewal at a period's end waits
// for the period's late usage events (the grace window, `policy.usageGraceHours`), then puts a line
// per metered add-on on the invoice it issues: the new period's fees and the ended period's usage.
// During the grace window the subscription still shows the ended period, and the renewal is dated
// at the period's end.
import { meteredItems } from './add-ons';
import type { Due } from './schedule';
import type { InvoiceLineDraft } from './invoice';
import type { MeteredItem } from './metering';
import { usageClosesAt } from './metering';
import type { SubscriptionState } from './subscription';
import { update } from './subscription';

/** The metered add-ons whose usage the step `due` bills: those held when the period ends. */
export function usageBilledBy(state: SubscriptionState, due: Due): MeteredItem[] {
  return due.kind === 'period_end' ? meteredItems(state.addOns) : [];
}

/** When the renewal that bills usage runs: once the period's grace window for late usage has closed. */
export function usageRenewalAt(state: SubscriptionState, due: Due): string {
  return usageClosesAt(due.at, state.policy.usageGraceHours);
}

/** The ended period's usage lines wait on the renewal invoice with the other pending lines. */
export function usageLinesAdded(state: SubscriptionState, lines: readonly InvoiceLineDraft[]): SubscriptionState {
  return lines.length === 0 ? state : update(state, { pendingItems: [...state.pendingItems, ...lines] });
}
