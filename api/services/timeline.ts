// A subscription's history as one list of events in time order, from the records the engine wrote.
// Records of one lifecycle step share a timestamp (workflow time), so ties follow the order the
// engine writes them in: the first status, then invoice, account credit, payment, refund, the new
// status, an offer, and the emails the step sent.
import type { CreditCause } from '../../domain/credit';
import type { SubscriptionRecords } from '../../infra/subscription-records';

export type TimelineEvent = { at: string } & (
  | { type: 'status_changed'; from: string | null; to: string }
  | { type: 'invoice_issued'; invoice: string; billingReason: string; amountCents: number; currency: string; status: string }
  | { type: 'payment_attempted'; invoice: string; attempt: number; outcome: string; amountCents: number; currency: string; declineCode: string | null }
  | { type: 'refund_issued'; invoice: string; amountCents: number; currency: string }
  | { type: 'offer_made'; offerId: string; rule: string; toPlan: string; percentOff: number; discountPeriods: number; expiresAt: string }
  | { type: 'offer_closed'; offerId: string; status: string }
  | { type: 'credit'; amountCents: number; currency: string; cause: CreditCause; invoice: string | null; balanceAfterCents: number }
  | { type: 'email'; template: string; to: string; sent: boolean; status: 'pending' | 'sent' | 'failed' }
);

type Ranked = { event: TimelineEvent; rank: number };

export function timelineEvents(records: SubscriptionRecords): TimelineEvent[] {
  const ranked: Ranked[] = [
    ...records.statusChanges.map((c) => ({
      rank: c.from === null ? 0 : 4,
      event: { at: c.at.toISOString(), type: 'status_changed' as const, from: c.from, to: c.to },
    })),
    ...records.invoices.map((i) => ({
      rank: 1,
      event: {
        at: i.createdAt.toISOString(),
        type: 'invoice_issued' as const,
        invoice: i.reference,
        billingReason: i.billingReason,
        amountCents: i.amountCents,
        currency: i.currency,
        status: i.status,
      },
    })),
    ...records.credit.map((c) => ({
      rank: 1.5,
      event: {
        at: c.createdAt.toISOString(),
        type: 'credit' as const,
        amountCents: c.amountCents,
        currency: c.currency,
        cause: c.cause as CreditCause,
        invoice: c.invoiceNumber,
        balanceAfterCents: c.balanceAfterCents,
      },
    })),
    ...records.payments.map((p) => ({
      rank: 2,
      event: {
        at: p.createdAt.toISOString(),
        type: 'payment_attempted' as const,
        invoice: p.invoice.reference,
        attempt: p.attempt,
        outcome: p.outcome,
        amountCents: p.amountCents,
        currency: p.currency,
        declineCode: p.declineCode,
      },
    })),
    // Account credit paid out at the end is a refund of a charge too, with no credit note.
    ...[...records.refunds, ...records.payouts].map((r) => ({
      rank: 3,
      event: { at: r.createdAt.toISOString(), type: 'refund_issued' as const, invoice: r.invoice.reference, amountCents: r.amountCents, currency: r.currency },
    })),
    ...records.offers.flatMap((o) => [
      {
        rank: 5,
        event: {
          at: o.createdAt.toISOString(),
          type: 'offer_made' as const,
          offerId: o.id,
          rule: o.ruleId,
          toPlan: o.toPlanCode,
          percentOff: o.percentOff,
          discountPeriods: o.discountPeriods,
          expiresAt: o.expiresAt.toISOString(),
        },
      },
      ...(o.respondedAt ? [{ rank: 5, event: { at: o.respondedAt.toISOString(), type: 'offer_closed' as const, offerId: o.id, status: o.status } }] : []),
    ]),
    ...records.emails.map((e) => ({
      rank: 6,
      event: { at: e.createdAt.toISOString(), type: 'email' as const, template: e.template, to: e.to, sent: e.sentAt !== null, status: e.status },
    })),
  ];
  const byTime = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // Array.prototype.sort is stable: equal keys keep each kind's own order.
  return ranked.sort((a, b) => byTime(a.event.at, b.event.at) || a.rank - b.rank).map((r) => r.event);
}
