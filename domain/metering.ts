// Metered usage: what a period's usage events add up to, and what that costs under a metered
// add-on's pricing (per unit, graduated tiers, volume tiers, with included units), as invoice lines
// that show the quantity and each tier. Pure: the activity reads the events, the API shows the
// running period, and both price it here.
//
// Rounding: a period's aggregate is rounded up to whole units (a started unit is billed), after
// rounding away floating-point noise at 6 decimals. Unit prices are decimal strings of minor units
// ("0.2" is €0.002) and are multiplied exactly; each tier's amount is rounded half up to whole minor
// units, then the tiers are added, so the invoice line is the sum of the amounts its breakdown shows.
import { decimalAmount, minorUnitDigits } from './money';
import type { InvoiceLineDraft } from './invoice';
import type { Period } from './calendar';
import type { TaxCode } from './tax/types';

export type MeteredAggregation = 'sum' | 'max' | 'last' | 'unique_count';
export type MeteredModel = 'per_unit' | 'graduated' | 'volume';

export interface MeteredTier {
  /** The last unit of the tier (inclusive), counted from the period's first unit; null: no limit (the last tier). */
  upTo: number | null;
  /** Price of one unit per currency, in minor units as a decimal string ("0.2": a fifth of a cent). */
  unitAmount: Record<string, string>;
  /** Charged once when a billable unit falls in the tier (graduated), or when the tier is reached (volume). */
  flatAmount?: Record<string, number>;
}

/** A metered add-on's pricing (the AddOn row's `pricing` column). */
export interface MeteredPricing {
  model: MeteredModel;
  aggregation: MeteredAggregation;
  /** The event property `unique_count` counts distinct values of. */
  property?: string;
  /** Free units: the period's first units cost nothing. */
  includedUnits: number;
  /** Ascending by `upTo`; the last one has `upTo: null`. `per_unit` has exactly one. */
  tiers: MeteredTier[];
}

/** What aggregation needs of a stored usage event. */
export interface MeteredEvent {
  value: number;
  properties?: Record<string, unknown> | null;
  occurredAt: string;
  /** Orders events that occurred at the same instant (for `last`): the later receipt wins. */
  receivedAt?: string;
}

/** The checks the API and the seed run on a pricing; returns what is wrong, empty when nothing is. */
export function pricingProblems(pricing: MeteredPricing): string[] {
  const problems: string[] = [];
  const { tiers } = pricing;
  if (tiers.length === 0) problems.push('at least one tier is needed');
  if (pricing.model === 'per_unit' && tiers.length !== 1) problems.push('per_unit pricing has exactly one tier');
  if (pricing.aggregation === 'unique_count' && !pricing.property) problems.push('unique_count needs the property it counts');
  if (!Number.isInteger(pricing.includedUnits) || pricing.includedUnits < 0) problems.push('includedUnits must be a whole number, 0 or more');
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    if (last !== (tier.upTo === null)) problems.push(`tier ${index + 1}: only the last tier has upTo null`);
    const previous = index > 0 ? (tiers[index - 1]?.upTo ?? null) : 0;
    if (tier.upTo !== null && (!Number.isInteger(tier.upTo) || previous === null || tier.upTo <= previous)) {
      problems.push(`tier ${index + 1}: upTo must be a whole number above the previous tier's`);
    }
    for (const [currency, amount] of Object.entries(tier.unitAmount)) {
      if (!/^\d{1,12}(\.\d{1,12})?$/.test(amount)) problems.push(`tier ${index + 1}: unitAmount.${currency} must be a decimal of minor units such as "0.2"`);
    }
    for (const [currency, amount] of Object.entries(tier.flatAmount ?? {})) {
      if (!Number.isSafeInteger(amount) || amount < 0) problems.push(`tier ${index + 1}: flatAmount.${currency} must be whole minor units`);
    }
  });
  return problems;
}

/** The currencies every tier is priced in. */
export function pricedCurrencies(pricing: MeteredPricing): string[] {
  const [first, ...rest] = pricing.tiers;
  if (!first) return [];
  return Object.keys(first.unitAmount).filter((currency) => rest.every((tier) => currency in tier.unitAmount));
}

/** The period's value of the metric: sum, peak, last reported value, or distinct values of `property`. */
export function aggregate(events: readonly MeteredEvent[], aggregation: MeteredAggregation, property?: string): number {
  switch (aggregation) {
    case 'sum':
      return events.reduce((sum, event) => sum + event.value, 0);
    case 'max':
      return events.reduce((max, event) => Math.max(max, event.value), 0);
    case 'last': {
      let latest: MeteredEvent | null = null;
      for (const event of events) {
        if (!latest || later(event, latest)) latest = event;
      }
      return latest?.value ?? 0;
    }
    case 'unique_count': {
      const seen = new Set<string>();
      for (const event of events) {
        const value = property ? event.properties?.[property] : undefined;
        if (value !== undefined && value !== null) seen.add(JSON.stringify(value));
      }
      return seen.size;
    }
  }
}

function later(a: MeteredEvent, b: MeteredEvent): boolean {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt;
  return (a.receivedAt ?? '') >= (b.receivedAt ?? '');
}

/** Whole units billed for an aggregate: a started unit counts (after rounding noise away at 6 decimals). */
export function billableQuantity(value: number): number {
  return Math.max(0, Math.ceil(Number(value.toFixed(6))));
}

/** One part of a metered charge: the included units, or the units of one tier. */
export interface MeteredBand {
  /** First and last unit of the band, counted from 1. */
  from: number;
  to: number;
  /** Null for the included units. */
  unitAmount: string | null;
  flatCents: number;
  amountCents: number;
}

export interface MeteredCharge {
  quantity: number;
  includedUnits: number;
  amountCents: number;
  bands: MeteredBand[];
}

/** `units` × a decimal of minor units, rounded half up to whole minor units, exactly. */
export function multiplyDecimal(units: number, unitAmount: string): number {
  const [whole, fraction = ''] = unitAmount.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const product = BigInt(units) * BigInt(`${whole}${fraction}`);
  return Number((product * 2n + scale) / (2n * scale));
}

function priceOf(tier: MeteredTier, currency: string): string {
  const price = tier.unitAmount[currency];
  if (price === undefined) throw new RangeError(`the metered pricing has no ${currency} price`);
  return price;
}

/** The tiers as unit ranges [from, to] (to: Infinity for the last). */
function ranges(pricing: MeteredPricing): Array<{ tier: MeteredTier; from: number; to: number }> {
  let from = 1;
  return pricing.tiers.map((tier) => {
    const range = { tier, from, to: tier.upTo ?? Infinity };
    from = (tier.upTo ?? Infinity) + 1;
    return range;
  });
}

/** What `quantity` units cost in `currency` under `pricing`, band by band. */
export function priceUsage(pricing: MeteredPricing, quantity: number, currency: string): MeteredCharge {
  const included = Math.min(quantity, pricing.includedUnits);
  const bands: MeteredBand[] = included > 0 ? [{ from: 1, to: included, unitAmount: null, flatCents: 0, amountCents: 0 }] : [];
  if (quantity > included) {
    if (pricing.model === 'volume') {
      // Every billable unit at the price of the tier the whole quantity reaches.
      const reached = ranges(pricing).find((range) => quantity <= range.to);
      if (!reached) throw new RangeError('the metered pricing has no tier without a limit');
      const unitAmount = priceOf(reached.tier, currency);
      const flatCents = reached.tier.flatAmount?.[currency] ?? 0;
      bands.push({ from: included + 1, to: quantity, unitAmount, flatCents, amountCents: multiplyDecimal(quantity - included, unitAmount) + flatCents });
    } else {
      // Graduated (per_unit is one tier): each tier's billable units at its own price.
      for (const range of ranges(pricing)) {
        const from = Math.max(range.from, included + 1);
        const to = Math.min(range.to, quantity);
        if (from > to) continue;
        const unitAmount = priceOf(range.tier, currency);
        const flatCents = range.tier.flatAmount?.[currency] ?? 0;
        bands.push({ from, to, unitAmount, flatCents, amountCents: multiplyDecimal(to - from + 1, unitAmount) + flatCents });
      }
    }
  }
  return { quantity, includedUnits: pricing.includedUnits, amountCents: bands.reduce((sum, band) => sum + band.amountCents, 0), bands };
}

const count = (n: number) => n.toLocaleString('en-US');

/** A unit price in major units with the currency's code: "0.2" EUR → "0.002 EUR". */
export function formatUnitAmount(unitAmount: string, currency: string): string {
  const digits = minorUnitDigits(currency);
  const [whole, fraction = ''] = unitAmount.split('.');
  const minor = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const scale = digits + fraction.length;
  const padded = minor.padStart(scale + 1, '0');
  const major = scale > 0 ? `${padded.slice(0, -scale)}.${padded.slice(-scale)}` : padded;
  const trimmed = major.includes('.') ? major.replace(/0+$/, '').replace(/\.$/, '') : major;
  const shown = trimmed.includes('.') && (trimmed.split('.')[1] ?? '').length < digits ? Number(trimmed).toFixed(digits) : trimmed;
  return `${shown} ${currency.toUpperCase()}`;
}

/** "1–1,000 included", "1,001–10,000 × 0.002 EUR" (+ the tier's flat fee). */
export function describeBand(band: MeteredBand, currency: string): string {
  const units = band.from === band.to ? count(band.from) : `${count(band.from)}–${count(band.to)}`;
  if (band.unitAmount === null) return `${units} included`;
  const flat = band.flatCents > 0 ? ` + ${decimalAmount(band.flatCents, currency)} ${currency.toUpperCase()}` : '';
  return `${units} × ${formatUnitAmount(band.unitAmount, currency)}${flat}`;
}

/** A metered add-on a subscription holds, as the activity and the API price it. */
export interface MeteredItem {
  code: string;
  name: string;
  metric: string;
  pricing: MeteredPricing;
  tax?: TaxCode;
}

/**
 * The invoice line of one metered item for `period`: quantity, amount, and each band in the
 * description. `quantity`: the units to bill, when not all the events measure (domain/usage-limits.ts).
 */
export function meteredLine(
  item: MeteredItem,
  events: readonly MeteredEvent[],
  period: Period,
  currency: string,
  quantity = billableQuantity(aggregate(events, item.pricing.aggregation, item.pricing.property)),
): InvoiceLineDraft {
  const charge = priceUsage(item.pricing, quantity, currency);
  const bands = charge.bands.map((band) => describeBand(band, currency));
  const span = `${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`;
  return {
    kind: 'addon',
    description: `${item.name}: ${count(quantity)} (${bands.length > 0 ? bands.join('; ') : 'none used'}), ${span}`,
    quantity,
    amountCents: charge.amountCents,
    periodStart: period.start,
    periodEnd: period.end,
    itemName: item.name,
    ...(item.tax ? { tax: item.tax } : {}),
  };
}

/** Late usage: how long after a period's end its events are still accepted (absent from a policy: 1 hour). */
export const DEFAULT_USAGE_GRACE_HOURS = 1;

/** When the usage of a period ending at `periodEnd` is closed: the renewal bills it then. */
export function usageClosesAt(periodEnd: string, graceHours = DEFAULT_USAGE_GRACE_HOURS): string {
  return new Date(new Date(periodEnd).getTime() + graceHours * 3_600_000).toISOString();
}

/** A clock may run a little ahead of ours: usage up to this far in the future is taken. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Why a usage event that occurred at `occurredAt`, reported at `now`, cannot be counted any more
 * (or yet): its period was billed, its grace window is over, or it is in the future. Null: taken.
 * `period` is the subscription's current period as last recorded (the renewal moves it).
 */
export function usageRefusal(occurredAt: string, now: string, period: { start: string; end: string } | null, graceHours = DEFAULT_USAGE_GRACE_HOURS): string | null {
  if (new Date(occurredAt).getTime() > new Date(now).getTime() + FUTURE_SKEW_MS) return `occurredAt ${occurredAt} is in the future`;
  if (!period) return null;
  if (occurredAt < period.start) return `the period before ${period.start} is closed and billed: usage that occurred at ${occurredAt} comes too late`;
  const closes = usageClosesAt(period.end, graceHours);
  if (occurredAt < period.end && now >= closes) {
    return `the period ending ${period.end} closed for usage at ${closes} (its grace window of ${graceHours} h): usage that occurred at ${occurredAt} comes too late`;
  }
  return null;
}
