// Billing metered add-ons in arrears: the renewal asks, once the grace window after a period has
// passed, for one invoice line per metered item from the usage events stored for that period. The
// events stay in the database; the workflow only ever holds the lines.
import type { Period } from '../domain/calendar';
import type { InvoiceLineDraft } from '../domain/invoice';
import type { MeteredItem } from '../domain/metering';
import { boundedMeteredLines } from '../domain/usage-limits';
import { itemEvents } from '../infra/usage-events';
import type { ActivityDeps } from './deps';

export interface MeteredUsageInput {
  subscriptionId: string;
  period: Period;
  currency: string;
  items: MeteredItem[];
}

export function createMeteredUsageActivities({ prisma }: ActivityDeps) {
  return {
    /** A line per metered item for the usage of `period` (read-only: safe to retry). */
    async meteredUsageLines({ subscriptionId, period, currency, items }: MeteredUsageInput): Promise<InvoiceLineDraft[]> {
      const events = await itemEvents(prisma, subscriptionId, items, period);
      return boundedMeteredLines(items, (item) => events.get(item.code) ?? [], period, currency);
    },
  };
}
