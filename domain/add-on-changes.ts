// Changing a subscription's add-ons: setting a recurring add-on's quantity (0 removes it) or
// buying a one-time product. Prorated differences wait for the next invoice (see add-ons.ts).
import type { AddOnDefinition, SubscriptionAddOn } from './add-ons';
import { prorationLine, unitPriceFor } from './add-ons';
import { CommandRefusedError } from './commands';
import type { InvoiceLineDraft } from './invoice';
import type { SubscriptionState } from './subscription';
import { calendarPeriod, update } from './subscription';

/** At most this many lines wait for the next invoice, so state stays small. */
export const MAX_PENDING_ITEMS = 50;

export interface AddOnChange {
  addOn: AddOnDefinition;
  quantity: number;
}

/** What the subscription pays per unit of `definition`, or a refusal. */
export function priceAddOn(state: SubscriptionState, definition: AddOnDefinition): SubscriptionAddOn {
  const price = unitPriceFor(definition, state.plan);
  if (typeof price === 'string') throw new CommandRefusedError(price);
  return {
    code: definition.code,
    name: definition.name,
    quantity: 0,
    unitAmountCents: price,
    monthlyAmountCents: definition.prices[state.plan.currency] ?? 0,
    metric: definition.metric,
    unitsPerQuantity: definition.unitsPerQuantity,
  };
}

export function setAddOnQuantity(state: SubscriptionState, change: AddOnChange, at: string): SubscriptionState {
  if (state.pendingItems.length >= MAX_PENDING_ITEMS) {
    throw new CommandRefusedError('too many changes are waiting for the next invoice');
  }
  const priced = priceAddOn(state, change.addOn);
  if (change.addOn.kind === 'one_time') {
    const line: InvoiceLineDraft = {
      kind: 'addon',
      description: change.quantity === 1 ? priced.name : `${priced.name} × ${change.quantity}`,
      quantity: change.quantity,
      amountCents: priced.unitAmountCents * change.quantity,
    };
    return update(state, { pendingItems: [...state.pendingItems, line] });
  }

  const existing = state.addOns.find((a) => a.code === priced.code);
  // A running add-on keeps the price it was bought at.
  const current: SubscriptionAddOn = existing ?? priced;
  const delta = change.quantity - current.quantity;
  if (delta === 0) return state;
  const others = state.addOns.filter((a) => a.code !== priced.code);
  const addOns = change.quantity > 0 ? [...others, { ...current, quantity: change.quantity }] : others;
  // Only time already paid for is prorated; during a trial nothing has been billed yet.
  const paidPeriod = state.status === 'active' && state.currentPeriodInvoiced;
  const pendingItems = paidPeriod
    ? [...state.pendingItems, prorationLine(current, delta, calendarPeriod(state), at)]
    : state.pendingItems;
  return update(state, { addOns, pendingItems });
}
