// What happened to a subscription, read back from the database the engine wrote: invoices with
// their lines, payment attempts, status changes, emails, offers and refunds. Timestamps are
// ISO-8601 UTC, in the simulated (workflow) time.
import { readSubscriptionRecords } from '../infra/subscription-records';
import type { PrismaClient } from '../prisma/generated/client';

export interface Timeline {
  subscriptionId: string;
  invoices: Array<{
    /** The legal number, from the seller's series. */
    number: string;
    /** The subscription's own key for it (INV-<subscription>-<n>). */
    reference: string;
    periodStart: string;
    periodEnd: string;
    /** Amounts include VAT; each line's VAT and rate (basis points: 2500 is 25 %). */
    lines: Array<{ description: string; amountCents: number; netCents: number; taxCents: number; taxRateBasisPoints: number }>;
    netCents: number;
    taxCents: number;
    totalCents: number;
    currency: string;
    status: string;
    paidAt: string | null;
  }>;
  payments: Array<{ at: string; invoice: string; attempt: number; outcome: string; amountCents: number; declineCode: string | null }>;
  statusChanges: Array<{ at: string; from: string | null; to: string }>;
  emails: Array<{ at: string; to: string; template: string }>;
  offers: Array<{
    id: string;
    at: string;
    rule: string;
    from: string;
    to: string;
    percentOff: number;
    discountPeriods: number;
    status: string;
    expiresAt: string;
    respondedAt: string | null;
  }>;
  /** Refunds of charges: with their credit note, or none for account credit paid out at the end. */
  refunds: Array<{ at: string; invoice: string; creditNote: string | null; amountCents: number; currency: string }>;
  /** The scenario's commands and how the API answered them. */
  commands: AnsweredCommand[];
  /** What the customer may use when the scenario ends (GET /customers/:id/entitlements); only a run that reached `until` has it. */
  entitlements?: { features: string[]; limits: Record<string, number> };
}

/** A scenario event sent to the API, and its answer: the HTTP status, and the problem's detail for a 4xx or 5xx. */
export interface AnsweredCommand {
  at: string;
  type: string;
  status: number;
  detail?: string;
}

/** A scenario event a failed simulation did not send, or sent without getting an answer. */
export interface UnansweredCommand {
  at: string;
  type: string;
  status: null;
  outcome: 'not sent' | 'no answer';
  reason: string;
}

const iso = (date: Date) => date.toISOString();

export async function readTimeline(prisma: PrismaClient, subscriptionId: string): Promise<Omit<Timeline, 'commands'>> {
  const { invoices, payments, statusChanges, emails, offers, refunds, payouts } = await readSubscriptionRecords(prisma, subscriptionId);
  return {
    subscriptionId,
    invoices: invoices.map((invoice) => ({
      number: invoice.number,
      reference: invoice.reference,
      periodStart: iso(invoice.periodStart),
      periodEnd: iso(invoice.periodEnd),
      lines: invoice.lines.map((line) => ({
        description: line.description,
        amountCents: line.amountCents,
        netCents: line.netCents ?? line.amountCents,
        taxCents: line.taxCents ?? 0,
        taxRateBasisPoints: line.taxRateBasisPoints ?? 0,
      })),
      netCents: invoice.netCents,
      taxCents: invoice.taxCents,
      totalCents: invoice.amountCents,
      currency: invoice.currency,
      status: invoice.status,
      paidAt: invoice.paidAt ? iso(invoice.paidAt) : null,
    })),
    payments: payments.map((p) => ({
      at: iso(p.createdAt),
      invoice: p.invoice.reference,
      attempt: p.attempt,
      outcome: p.outcome,
      amountCents: p.amountCents,
      declineCode: p.declineCode,
    })),
    statusChanges: statusChanges.map((c) => ({ at: iso(c.at), from: c.from, to: c.to })),
    emails: emails.map((e) => ({ at: iso(e.createdAt), to: e.to, template: e.template })),
    offers: offers.map((o) => ({
      id: o.id,
      at: iso(o.createdAt),
      rule: o.ruleId,
      from: o.fromPlanCode,
      to: o.toPlanCode,
      percentOff: o.percentOff,
      discountPeriods: o.discountPeriods,
      status: o.status,
      expiresAt: iso(o.expiresAt),
      respondedAt: o.respondedAt ? iso(o.respondedAt) : null,
    })),
    refunds: [
      ...refunds.map((r): Timeline['refunds'][number] => ({ at: iso(r.createdAt), invoice: r.invoice.reference, creditNote: r.number, amountCents: r.amountCents, currency: r.currency })),
      ...payouts.map((p): Timeline['refunds'][number] => ({ at: iso(p.createdAt), invoice: p.invoice.reference, creditNote: null, amountCents: p.amountCents, currency: p.currency })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}
