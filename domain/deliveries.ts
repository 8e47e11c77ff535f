// Physical deliveries: a recurring add-on that ships every period (a box, a magazine) gets a
// delivery record for the next period while the subscription holds it. Until the delivery's
// cut-off the customer may skip it or change where it goes; after it, the delivery is final. A
// skipped delivery is not billed: the renewal invoice that charges its period carries a credit line
// equal to the add-on's line for that period.
import type { Period } from './calendar';
import type { InvoiceLineDraft } from './invoice';
import type { Due } from './schedule';
import type { SubscriptionAddOn } from './add-ons';
import { describeAddOn } from './add-ons';
import type { SubscriptionState } from './subscription';
import { calendarPeriod, update } from './subscription';

export const DEFAULT_DELIVERY_CUTOFF_DAYS = 3;

const DAY_MS = 24 * 60 * 60 * 1000;

export type DeliveryStatus = 'scheduled' | 'skipped';

/** A delivery the projection schedules: one per shipping add-on and period. */
export interface DeliveryDraft {
  subscriptionId: string;
  addOnCode: string;
  addOnName: string;
  quantity: number;
  period: Period;
  cutoffAt: string;
}

/** The recurring add-ons held that ship every period. */
export function shippingAddOns(addOns: readonly SubscriptionAddOn[]): SubscriptionAddOn[] {
  return addOns.filter((addOn) => addOn.shipsEachPeriod === true && addOn.quantity > 0 && !addOn.pricing);
}

/** The last moment the customer may skip or redirect a delivery for a period starting at `periodStart`. */
export function deliveryCutoff(periodStart: string, cutoffDays: number): string {
  return new Date(new Date(periodStart).getTime() - cutoffDays * DAY_MS).toISOString();
}

/** Subscriptions that will renew into a next period: those the next delivery can be scheduled for. */
const SHIPPING_STATUSES = new Set(['trialing', 'active', 'past_due']);

/**
 * The deliveries to schedule for the period after the current one: one per shipping add-on, none
 * when the subscription will not renew (ended, paused, or canceling at the period's end).
 */
export function nextDeliveries(state: SubscriptionState, cutoffDays: number): DeliveryDraft[] {
  // Exactly the renewals that bill shipping add-ons (deliveriesBilledBy): none into an end or a pause.
  if (!SHIPPING_STATUSES.has(state.status) || state.cancelAtPeriodEnd || state.pauseAtPeriodEnd) return [];
  const period = renewedPeriod(state);
  return shippingAddOns(state.addOns).map((addOn) => ({
    subscriptionId: state.id,
    addOnCode: addOn.code,
    addOnName: addOn.name,
    quantity: addOn.quantity,
    period,
    cutoffAt: deliveryCutoff(period.start, cutoffDays),
  }));
}

/** Why a customer's change to a delivery is refused at `now`, or null while it is open. */
export function deliveryChangeRefusal(delivery: { cutoffAt: string; periodStart: string }, now: string): string | null {
  if (new Date(now).getTime() < new Date(delivery.cutoffAt).getTime()) return null;
  return `the delivery for the period starting ${delivery.periodStart.slice(0, 10)} is final: its cut-off was ${delivery.cutoffAt}`;
}

/**
 * The shipping add-ons whose skips the step `due` must ask about: those held when a period ends
 * into a renewal (not when the subscription ends or pauses there). Empty: nothing to ask.
 */
export function deliveriesBilledBy(state: SubscriptionState, due: Due): string[] {
  if (due.kind !== 'period_end' || state.cancelAtPeriodEnd || state.pauseAtPeriodEnd) return [];
  return shippingAddOns(state.addOns).map((addOn) => addOn.code);
}

/** The period the renewal at the current period's end bills, and its deliveries ship in. */
export function renewedPeriod(state: SubscriptionState): Period {
  return calendarPeriod(state, state.periodIndex + 1);
}

/** How a skipped delivery's credit line begins: the books tell it from unused-time credits by it. */
export const SKIPPED_DELIVERY = 'Delivery skipped: ';

/** A credit line per skipped shipping add-on, equal to its line for `period` on the renewal invoice. */
export function skippedDeliveryCredits(addOns: readonly SubscriptionAddOn[], skippedCodes: readonly string[], period: Period): InvoiceLineDraft[] {
  return shippingAddOns(addOns)
    .filter((addOn) => skippedCodes.includes(addOn.code))
    .map((addOn) => ({
      kind: 'proration_credit',
      description: `${SKIPPED_DELIVERY}${describeAddOn(addOn, addOn.quantity)}, ${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`,
      quantity: addOn.quantity,
      amountCents: -addOn.unitAmountCents * addOn.quantity,
      periodStart: period.start,
      periodEnd: period.end,
      itemName: addOn.name,
      skippedDelivery: true as const,
      ...(addOn.tax ? { tax: addOn.tax } : {}),
    }));
}

/** The renewal invoice into the next period waits with these credits among its pending lines. */
export function skippedCreditsAdded(state: SubscriptionState, credits: readonly InvoiceLineDraft[]): SubscriptionState {
  return credits.length === 0 ? state : update(state, { pendingItems: [...state.pendingItems, ...credits] });
}
