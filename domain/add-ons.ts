// Add-ons: extra units of what a plan includes (seats, storage), billed per unit on every period
// invoice, one-time products (a physical welcome kit) billed once on the next invoice, and metered
// add-ons (API calls), billed in arrears for the usage of the period that ended (domain/metering.ts).
//
// Like Stripe's default proration behaviour, a change in the middle of a paid period is not
// charged on the spot: the prorated difference for the rest of the period is added to the next
// invoice as its own line (a charge for additions, a credit for removals).
import type { Period } from './calendar';
import type { MeteredItem, MeteredPricing } from './metering';
import { describeSpan, prorate } from './proration';
import type { InvoiceLineDraft } from './invoice';
import type { PlanSnapshot } from './plans';
import type { TaxCode } from './tax/types';

export interface AddOnDefinition {
  code: string;
  name: string;
  /** metered: billed in arrears from the recorded usage of `metric` (domain/metering.ts), held with quantity 1. */
  kind: 'recurring' | 'one_time' | 'metered';
  /** Price of one unit per month (recurring) or once (one-time), per currency, in minor units; none for metered. */
  prices: Record<string, number>;
  /** The usage metric each unit adds to the plan's quota (e.g. one extra seat). */
  metric: string | null;
  unitsPerQuantity: number;
  /** Feature keys a recurring add-on grants while attached; absent: none. */
  features?: string[];
  /** Its VAT category and whether its prices include VAT; absent: standard, included. */
  tax?: TaxCode;
  /** Metered add-ons: how the usage of `metric` is aggregated and priced per period. */
  pricing?: MeteredPricing;
  /** Recurring add-ons that are shipped every period (domain/deliveries.ts); absent: not shipped. */
  shipsEachPeriod?: boolean;
}

/** An add-on as attached to a subscription, with its price for the subscription's period. */
export interface SubscriptionAddOn {
  code: string;
  name: string;
  quantity: number;
  /** Price of one unit for one of the subscription's billing periods. */
  unitAmountCents: number;
  /** Price of one unit per month, as bought; a new billing interval reprices from it. */
  monthlyAmountCents: number;
  metric: string | null;
  unitsPerQuantity: number;
  /** Feature keys it grants, as bought; absent: none. */
  features?: string[];
  tax?: TaxCode;
  /** A metered add-on's pricing as bought (quantity 1, no unit price): its usage is billed in arrears. */
  pricing?: MeteredPricing;
  /** Shipped every period, as bought: each period gets a delivery the customer may skip. */
  shipsEachPeriod?: boolean;
  /**
   * A custom line (domain/custom-lines.ts): sold at a price negotiated with this customer, which no
   * catalogue change moves; `product` is the catalogue product it sells, if any.
   */
  custom?: { product?: string };
}

export const ADD_ON_CATALOGUE: readonly AddOnDefinition[] = [
  { code: 'extra-seat', name: 'Extra seat', kind: 'recurring', prices: { EUR: 500, NOK: 5_000 }, metric: 'seats', unitsPerQuantity: 1 },
  {
    code: 'extra-storage',
    name: 'Extra storage (100 GB)',
    kind: 'recurring',
    prices: { EUR: 300, NOK: 3_000 },
    metric: 'storage_gb',
    unitsPerQuantity: 100,
  },
  {
    code: 'monthly-box',
    name: 'Monthly box (shipped)',
    kind: 'recurring',
    prices: { EUR: 1_500, NOK: 15_000 },
    metric: null,
    unitsPerQuantity: 0,
    shipsEachPeriod: true,
  },
  { code: 'welcome-kit', name: 'Welcome kit (shipped)', kind: 'one_time', prices: { EUR: 2_500, NOK: 25_000 }, metric: null, unitsPerQuantity: 0 },
  {
    // 1,000 calls a period included, then 0.2 cents a call up to 10,000, then 0.1 cents.
    code: 'api-calls',
    name: 'API calls',
    kind: 'metered',
    prices: {},
    metric: 'api_calls',
    unitsPerQuantity: 0,
    pricing: {
      model: 'graduated',
      aggregation: 'sum',
      includedUnits: 1_000,
      tiers: [
        { upTo: 10_000, unitAmount: { EUR: '0.2', NOK: '2' } },
        { upTo: null, unitAmount: { EUR: '0.1', NOK: '1' } },
      ],
    },
  },
  {
    // Distinct users a period, 5 included; every user at the price of the tier the count reaches.
    code: 'active-users',
    name: 'Active users',
    kind: 'metered',
    prices: {},
    metric: 'active_users',
    unitsPerQuantity: 0,
    pricing: {
      model: 'volume',
      aggregation: 'unique_count',
      property: 'user',
      includedUnits: 5,
      tiers: [
        { upTo: 10, unitAmount: { EUR: '100', NOK: '1000' } },
        { upTo: 50, unitAmount: { EUR: '80', NOK: '800' }, flatAmount: { EUR: 1_000, NOK: 10_000 } },
        { upTo: null, unitAmount: { EUR: '50', NOK: '500' } },
      ],
    },
  },
];

/** Yearly plans pay ten months for twelve; add-ons follow the same rule. */
const MONTHS_CHARGED = { month: 1, year: 10 } as const;

/** Months a period of `plan` lasts, or null when it is not counted in months (days, weeks). */
export function monthsPerPeriod(plan: Pick<PlanSnapshot, 'interval'>): number | null {
  const { unit, count } = plan.interval;
  if (unit === 'month') return count;
  if (unit === 'year') return 12 * count;
  return null;
}

/** The price of a recurring unit per `plan` period, from its monthly price, or why it cannot be had. */
function periodPrice(code: string, monthly: number, plan: PlanSnapshot): number | string {
  const unit = plan.interval.unit;
  if (unit !== 'month' && unit !== 'year') return `${code} needs a monthly or yearly plan`;
  return monthly * MONTHS_CHARGED[unit] * plan.interval.count;
}

/** The price of one unit for a subscription on `plan`, or a reason it cannot be added. */
export function unitPriceFor(definition: AddOnDefinition, plan: PlanSnapshot): number | string {
  if (definition.kind === 'metered') {
    if (!definition.pricing?.tiers.every((tier) => plan.currency in tier.unitAmount)) return `${definition.code} is not sold in ${plan.currency}`;
    return 0;
  }
  const monthly = definition.prices[plan.currency];
  if (monthly === undefined) return `${definition.code} is not sold in ${plan.currency}`;
  return definition.kind === 'one_time' ? monthly : periodPrice(definition.code, monthly, plan);
}

/**
 * An attached add-on priced for `plan`'s billing interval (after a plan change), or why it cannot
 * be. A custom line's negotiated price is per month × months of the new period: the yearly
 * discount is a catalogue rule, and nobody negotiated it.
 */
export function repriceFor(addOn: SubscriptionAddOn, plan: PlanSnapshot): SubscriptionAddOn | string {
  if (addOn.custom) {
    const months = monthsPerPeriod(plan);
    if (months === null) return `${addOn.code} needs a monthly or yearly plan`;
    return { ...addOn, unitAmountCents: addOn.monthlyAmountCents * months };
  }
  const price = periodPrice(addOn.code, addOn.monthlyAmountCents, plan);
  return typeof price === 'string' ? price : { ...addOn, unitAmountCents: price };
}

/** What the recurring add-ons cost for one full period. */
export function addOnsPerPeriod(addOns: readonly SubscriptionAddOn[]): number {
  return addOns.reduce((sum, addOn) => sum + addOn.unitAmountCents * addOn.quantity, 0);
}

/**
 * The most one period of a subscription may list, before VAT, in minor units. Invoices and their
 * lines are kept as whole minor units in 32-bit columns (at most 2,147,483,647): a period's
 * charges with 25 % VAT, twice over on an invoice that catches up a period, stay below that. A
 * command that would go past it is refused, rather than issuing an invoice that cannot be stored.
 */
export const MAX_PERIOD_CENTS = 800_000_000;

/**
 * Why `plan` with `addOns` cannot be billed per period, or null; `pending` are the lines already
 * waiting for the next invoice (one-time products, prorations), whose charges it carries too.
 */
export function periodCostRefusal(plan: Pick<PlanSnapshot, 'amountCents'>, addOns: readonly SubscriptionAddOn[], pending: readonly InvoiceLineDraft[] = []): string | null {
  const pendingCents = pending.reduce((sum, line) => sum + Math.max(0, line.amountCents), 0);
  const total = plan.amountCents + addOnsPerPeriod(addOns) + pendingCents;
  return total > MAX_PERIOD_CENTS ? `a period would list ${total} minor units before VAT; one invoice holds at most ${MAX_PERIOD_CENTS}` : null;
}

/** The line that bills `quantity` of a one-time product once, on the next invoice. */
export function oneTimeLine(priced: SubscriptionAddOn, quantity: number): InvoiceLineDraft {
  return {
    kind: 'addon',
    description: describeAddOn(priced, quantity),
    quantity,
    amountCents: priced.unitAmountCents * quantity,
    itemName: priced.name,
    ...(priced.tax ? { tax: priced.tax } : {}),
  };
}

export function describeAddOn(addOn: Pick<SubscriptionAddOn, 'name'>, quantity: number): string {
  return quantity === 1 ? addOn.name : `${addOn.name} × ${quantity}`;
}

/** Full-period lines for the recurring add-ons, prorated when the period starts late (resume). */
export function addOnLines(addOns: readonly SubscriptionAddOn[], calendar: Period, period: Period): InvoiceLineDraft[] {
  return addOns.filter((addOn) => !addOn.pricing).map((addOn) => ({
    kind: 'addon',
    description: `${describeAddOn(addOn, addOn.quantity)}, ${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`,
    quantity: addOn.quantity,
    amountCents: prorate(addOn.unitAmountCents * addOn.quantity, calendar, period.start),
    periodStart: period.start,
    periodEnd: period.end,
    itemName: addOn.name,
    ...(addOn.tax ? { tax: addOn.tax } : {}),
  }));
}

/** The prorated line for changing an add-on's quantity by `delta` at `at` in a paid period. */
export function prorationLine(addOn: SubscriptionAddOn, delta: number, calendar: Period, at: string): InvoiceLineDraft {
  const amount = prorate(addOn.unitAmountCents * Math.abs(delta), calendar, at);
  const span = describeSpan(calendar, at);
  const about = { itemName: addOn.name, ...(addOn.tax ? { tax: addOn.tax } : {}) };
  return delta > 0
    ? { kind: 'proration_charge', description: `${describeAddOn(addOn, delta)} added, ${span}`, quantity: delta, amountCents: amount, periodStart: at, periodEnd: calendar.end, ...about }
    : { kind: 'proration_credit', description: `${describeAddOn(addOn, -delta)} removed, ${span}`, quantity: -delta, amountCents: -amount, periodStart: at, periodEnd: calendar.end, ...about };
}

/** The plan's quota for `metric` plus what add-ons buy. */
export function effectiveQuota(plan: PlanSnapshot, addOns: readonly SubscriptionAddOn[], metric: string): number {
  const included = plan.quotas[metric] ?? 0;
  return addOns.reduce((sum, addOn) => sum + (addOn.metric === metric ? addOn.quantity * addOn.unitsPerQuantity : 0), included);
}

/** The metered add-ons a subscription holds, as their usage is priced. */
export function meteredItems(addOns: readonly SubscriptionAddOn[]): MeteredItem[] {
  return addOns.flatMap((addOn) =>
    addOn.pricing && addOn.metric && addOn.quantity > 0
      ? [{ code: addOn.code, name: addOn.name, metric: addOn.metric, pricing: addOn.pricing, ...(addOn.tax ? { tax: addOn.tax } : {}) }]
      : [],
  );
}
