// Changing a subscription's add-ons: setting a recurring add-on's quantity (0 removes it) or
// buying a one-time product. Prorated differences wait for the next invoice (see add-ons.ts); a
// removal's credit is what was paid for the unused time, within what is left of the period's payment.
import type { AddOnDefinition, SubscriptionAddOn } from './add-ons';
import { oneTimeLine, prorationLine, unitPriceFor } from './add-ons';
import { CommandRefusedError } from './errors';
import { capped, currentAccount, returned, unusedValue } from './credit';
import type { InvoiceLineDraft } from './invoice';
import type { PlanSnapshot } from './plans';
import { paidValueCode } from './invoice';
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
  return priceAddOnFor(state.plan, definition);
}

/** What a subscription on `plan` pays per unit of `definition` (quantity 0), or a refusal. */
export function priceAddOnFor(plan: PlanSnapshot, definition: AddOnDefinition): SubscriptionAddOn {
  const price = unitPriceFor(definition, plan);
  if (typeof price === 'string') throw new CommandRefusedError(price);
  return {
    code: definition.code,
    name: definition.name,
    quantity: 0,
    unitAmountCents: price,
    monthlyAmountCents: definition.prices[plan.currency] ?? 0,
    metric: definition.metric,
    unitsPerQuantity: definition.unitsPerQuantity,
    ...(definition.features?.length ? { features: definition.features } : {}),
    ...(definition.tax ? { tax: definition.tax } : {}),
    ...(definition.pricing ? { pricing: definition.pricing } : {}),
    ...(definition.shipsEachPeriod ? { shipsEachPeriod: true } : {}),
  };
}

/** Only time already paid for is prorated; during a trial (or an unpaid period) nothing is. */
export const prorates = (state: SubscriptionState) => currentAccount(state) !== null;

/** Whether `change` adds a line to the next invoice (checked against MAX_PENDING_ITEMS before it runs). */
export function addsPendingLine(state: SubscriptionState, change: AddOnChange): boolean {
  if (change.addOn.kind === 'one_time') return true;
  if (change.addOn.kind === 'metered') return false;
  const current = state.addOns.find((a) => a.code === change.addOn.code)?.quantity ?? 0;
  return change.quantity !== current && prorates(state);
}

/** What a change does: the state after it, and the lines it adds to the next invoice (none when nothing is prorated). */
export interface AddOnQuote {
  state: SubscriptionState;
  lines: InvoiceLineDraft[];
}

/** The one computation of a change, for the command (`setAddOnQuantity`) and its preview alike. */
export function quoteAddOnChange(state: SubscriptionState, change: AddOnChange, at: string): AddOnQuote {
  const priced = priceAddOn(state, change.addOn);
  if (change.addOn.kind === 'one_time') return waiting(state, state, oneTimeLine(priced, change.quantity));
  // A running add-on keeps the price it was bought at.
  const current: SubscriptionAddOn = state.addOns.find((a) => a.code === priced.code) ?? priced;
  return quoteQuantityChange(state, current, change.quantity, at);
}

/** `next` with `line` waiting for the next invoice. */
function waiting(state: SubscriptionState, next: SubscriptionState, line: InvoiceLineDraft): AddOnQuote {
  return { state: update(next, { pendingItems: [...state.pendingItems, line] }), lines: [line] };
}

/**
 * Holding `quantity` of `current` (an add-on or custom line as held, or as priced when new) from
 * `at`: the difference for the rest of a paid period waits for the next invoice.
 */
export function quoteQuantityChange(state: SubscriptionState, current: SubscriptionAddOn, quantity: number, at: string): AddOnQuote {
  const delta = quantity - current.quantity;
  if (delta === 0) return { state, lines: [] };
  const others = state.addOns.filter((a) => a.code !== current.code);
  const addOns = quantity > 0 ? [...others, { ...current, quantity }] : others;
  // A metered add-on costs nothing up front: its usage is billed in arrears.
  if (!prorates(state) || current.pricing) return { state: update(state, { addOns }), lines: [] };
  const line = prorationLine(current, delta, calendarPeriod(state), at);
  if (delta > 0) return waiting(state, { ...state, addOns }, line);
  const [credit = 0] = capped(state, [unusedValue(state, current.unitAmountCents * -delta, 'addOns', at)]);
  // Valued at what was paid for it, VAT included.
  return waiting(state, { ...returned(state, credit), addOns }, { ...line, amountCents: -credit, tax: paidValueCode(current.tax) });
}

export function setAddOnQuantity(state: SubscriptionState, change: AddOnChange, at: string): SubscriptionState {
  return quoteAddOnChange(state, change, at).state;
}
