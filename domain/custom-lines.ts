// Custom lines: what a subscription sells at a price negotiated with its customer, outside the
// catalogue (a support retainer, a discounted bundle of seats). A custom line is held like a
// recurring add-on (SubscriptionAddOn with `custom`): billed on every period invoice, prorated when
// its quantity changes mid-period, discounted by the subscription's coupon, taxed by its own VAT
// category. Its price is the one agreed: no catalogue price change or price migration moves it,
// and a change of billing interval reprices it by months (its monthly price × months of the new
// period, without the catalogue's yearly discount).
import type { SubscriptionAddOn } from './add-ons';
import { monthsPerPeriod, periodCostRefusal } from './add-ons';
import type { AddOnQuote } from './add-on-changes';
import { quoteQuantityChange } from './add-on-changes';
import { CommandRefusedError } from './errors';
import type { PlanSnapshot } from './plans';
import type { SubscriptionState } from './subscription';
import type { TaxCategory, TaxCode } from './tax/types';

/** A custom line as agreed (api/schemas/items.ts validates it). */
export interface CustomLineInput {
  description: string;
  /** Price of one unit for one of the plan's billing periods, in minor units of the plan's currency. */
  unitAmountCents: number;
  quantity: number;
  product?: string;
  features?: string[];
  /** Absent: standard. The price includes VAT when the plan's does. */
  taxCategory?: TaxCategory;
}

/** At most this many custom lines a subscription holds, so its state stays small. */
export const MAX_CUSTOM_LINES = 50;

/** The most units of one custom line (as api/schemas/items.ts allows). */
export const MAX_CUSTOM_LINE_QUANTITY = 10_000;

/** Codes custom lines have, and catalogue add-ons may not take. */
export const CUSTOM_LINE_CODE = /^custom-(\d+)$/;

export function isCustomLineCode(code: string): boolean {
  return CUSTOM_LINE_CODE.test(code);
}

/** The code of the next custom line: custom-1, custom-2, … in the order they are added (one past the highest held). */
export function nextCustomLineCode(addOns: readonly SubscriptionAddOn[]): string {
  const highest = addOns.reduce((max, addOn) => Math.max(max, Number(CUSTOM_LINE_CODE.exec(addOn.code)?.[1] ?? 0)), 0);
  return `custom-${highest + 1}`;
}

/** The custom lines among a subscription's add-ons. */
export function customLinesOf(addOns: readonly SubscriptionAddOn[]): SubscriptionAddOn[] {
  return addOns.filter((addOn) => addOn.custom);
}

function taxOf(line: CustomLineInput, plan: PlanSnapshot): TaxCode | undefined {
  const inclusive = plan.tax?.inclusive ?? true;
  const category = line.taxCategory ?? 'standard';
  return category === 'standard' && inclusive ? undefined : { category, inclusive };
}

/**
 * `line` as the subscription on `plan` holds it under `code`, or why it cannot be held. Its
 * monthly price (for a change of interval) is the period price over the period's months, rounded.
 */
export function priceCustomLine(line: CustomLineInput, code: string, plan: PlanSnapshot): SubscriptionAddOn | string {
  const months = monthsPerPeriod(plan);
  if (months === null) return `a custom line needs a monthly or yearly plan; ${plan.code} is not`;
  const tax = taxOf(line, plan);
  return {
    code,
    name: line.description,
    quantity: line.quantity,
    unitAmountCents: line.unitAmountCents,
    monthlyAmountCents: Math.round(line.unitAmountCents / months),
    metric: null,
    unitsPerQuantity: 0,
    ...(line.features?.length ? { features: line.features } : {}),
    ...(tax ? { tax } : {}),
    custom: line.product ? { product: line.product } : {},
  };
}

/** Why `line` cannot be added to the subscription now, short of its status, or null. */
export function customLineRefusal(state: SubscriptionState, line: CustomLineInput): string | null {
  if (customLinesOf(state.addOns).length >= MAX_CUSTOM_LINES) return `the subscription already holds ${MAX_CUSTOM_LINES} custom lines`;
  if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_CUSTOM_LINE_QUANTITY) return `quantity must be a whole number from 1 to ${MAX_CUSTOM_LINE_QUANTITY}`;
  if (!Number.isInteger(line.unitAmountCents) || line.unitAmountCents < 0) return 'unitAmountCents must be a whole number of minor units, at least 0';
  const priced = priceCustomLine(line, nextCustomLineCode(state.addOns), state.plan);
  if (typeof priced === 'string') return priced;
  // The lines already waiting for the next invoice count, as for every other command.
  return periodCostRefusal(state.plan, [...state.addOns, { ...priced, quantity: line.quantity }], state.pendingItems);
}

/** Adding `line` at `at`: like buying an add-on, the rest of a paid period waits for the next invoice. */
export function quoteCustomLineAddition(state: SubscriptionState, line: CustomLineInput, at: string): AddOnQuote {
  const priced = priceCustomLine(line, nextCustomLineCode(state.addOns), state.plan);
  if (typeof priced === 'string') throw new CommandRefusedError(priced);
  return quoteQuantityChange(state, { ...priced, quantity: 0 }, line.quantity, at);
}

/** Holding `quantity` of the custom line `code` from `at` (0 removes it), at its negotiated price. */
export function quoteCustomLineQuantity(state: SubscriptionState, code: string, quantity: number, at: string): AddOnQuote {
  const held = customLinesOf(state.addOns).find((addOn) => addOn.code === code);
  if (!held) throw new CommandRefusedError(`the subscription has no custom line ${code}`);
  return quoteQuantityChange(state, held, quantity, at);
}
