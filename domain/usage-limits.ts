// How much metered usage one period may bill. An invoice line keeps its quantity and amount in
// 32-bit columns (at most 2,147,483,647), and the renewal invoice that bills a period's usage also
// carries up to two periods' fees (MAX_PERIOD_CENTS each: the pending lines and the new period).
// With the usage bounded here, that invoice with VAT (27 % at most in the EU) still fits. The API
// refuses a report that would go past a bound; a renewal that finds more all the same (a report
// that raced an add-on change) bills the bound and says so on the line, rather than jam on an
// invoice that cannot be stored.
import type { Period } from './calendar';
import type { InvoiceLineDraft } from './invoice';
import type { MeteredEvent, MeteredItem } from './metering';
import { aggregate, billableQuantity, meteredLine, priceUsage } from './metering';
import { decimalAmount } from './money';

/** The most units of one metered add-on a period bills. */
export const MAX_BILLED_UNITS = 2_147_483_647;

/** The most a period's metered usage bills, before VAT, in minor units (all metered add-ons together). */
export const MAX_USAGE_CENTS = 80_000_000;

/** A metered add-on and its aggregate for the period (before rounding to whole units). */
export interface MeteredUse {
  item: MeteredItem;
  value: number;
}

/** Why the period's usage `uses` cannot be billed on one invoice, or null when it can. */
export function usageLimitRefusal(uses: readonly MeteredUse[], currency: string): string | null {
  let totalCents = 0;
  for (const { item, value } of uses) {
    const quantity = billableQuantity(value);
    if (quantity > MAX_BILLED_UNITS) return `${item.code} would bill ${quantity} units this period; a period bills at most ${MAX_BILLED_UNITS}`;
    totalCents += priceUsage(item.pricing, quantity, currency).amountCents;
  }
  return totalCents > MAX_USAGE_CENTS
    ? `the period's metered usage would bill ${decimalAmount(totalCents, currency)} ${currency.toUpperCase()} before VAT; a period bills at most ${decimalAmount(MAX_USAGE_CENTS, currency)} ${currency.toUpperCase()}`
    : null;
}

/**
 * The invoice lines of every metered add-on for `period`, within the bounds: a line past them bills
 * the bound (units, then what is left of the period's amount) and says that the rest is not billed.
 */
export function boundedMeteredLines(items: readonly MeteredItem[], eventsOf: (item: MeteredItem) => readonly MeteredEvent[], period: Period, currency: string): InvoiceLineDraft[] {
  let leftCents = MAX_USAGE_CENTS;
  return items.map((item) => {
    const events = eventsOf(item);
    const measured = billableQuantity(aggregate(events, item.pricing.aggregation, item.pricing.property));
    const line = meteredLine(item, events, period, currency, Math.min(measured, MAX_BILLED_UNITS));
    const amountCents = Math.min(line.amountCents, leftCents);
    leftCents -= amountCents;
    if (measured === line.quantity && amountCents === line.amountCents) return line;
    const billed = `${decimalAmount(amountCents, currency)} ${currency.toUpperCase()}`;
    return { ...line, amountCents, description: `${line.description}; ${measured.toLocaleString('en-US')} units measured, billed up to the period's limit (${billed})` };
  });
}
