// What every scenario checks once its subscriptions have ended, from the sources of truth outside
// the workflows: the gateway's ledger (the sandbox's SandboxCharge, one row per idempotency key,
// unless a scenario passes another), the invoices table, and the SMTP peer's inbox.
import type { PrismaClient } from '../../../infra/database';
import type { ReceivedEmail } from '../../../simulator/smtp-catcher';
import type { Ended } from './subscriptions';

export interface Figures {
  subscriptions: number;
  /** Subscriptions whose workflow failed or never ended: lost to the fault. */
  lostSubscriptions: number;
  periodsBilled: number;
  /** Invoices charged successfully more than once (count of extra charges). */
  doubleCharges: number;
  /**
   * Paid invoices with no successful charge in the ledger, or none of them the charge their
   * successful payment attempt recorded; and successful charges of unknown invoices.
   */
  unmatchedCharges: number;
  /** Periods with no invoice before a subscription's last one, or a last period that is not where it ended. */
  missingInvoices: number;
  duplicateInvoices: number;
  /** Invoices left unpaid, or paid a different amount than billed. */
  unpaidInvoices: number;
  emailsExpected: number;
  /**
   * One lifecycle event delivered as two different emails (a Message-ID no record accounts for),
   * plus, unless redelivery is allowed, an email delivered again under its own Message-ID.
   */
  duplicateEmails: number;
  /** Deliveries of an email the peer already had, under the same Message-ID. */
  redeliveries: number;
  missingEmails: number;
}

export const CLEAN_KEYS = ['lostSubscriptions', 'doubleCharges', 'unmatchedCharges', 'missingInvoices', 'duplicateInvoices', 'unpaidInvoices', 'duplicateEmails', 'missingEmails'] as const;

/** The figures that must all be zero, and which are not. */
export function broken(figures: Figures): string[] {
  return CLEAN_KEYS.filter((key) => figures[key] !== 0).map((key) => `${key}=${figures[key]}`);
}

/** A successful charge as the gateway itself records it. */
export interface LedgerCharge {
  chargeId: string;
  /** The invoice it pays (its reference). */
  reference: string;
  amountCents: number;
}

/** The gateway's successful charges of the invoices whose reference starts with one of `prefixes`. */
export type Ledger = (prefixes: readonly string[]) => Promise<LedgerCharge[]>;

export function sandboxLedger(prisma: PrismaClient): Ledger {
  return (prefixes) =>
    prisma.sandboxCharge.findMany({
      where: { OR: prefixes.map((prefix) => ({ reference: { startsWith: prefix } })), outcome: 'succeeded' },
      select: { chargeId: true, reference: true, amountCents: true },
    });
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * `redeliveryAllowed`: only where the worker is killed with SIGKILL (scenario 1). SMTP has no
 * idempotent submit, so an email accepted by the SMTP server just before the kill, before Temporal
 * recorded the hand-over, is sent again under the same Message-ID; it is counted, not failed.
 */
export async function checkBilling(
  prisma: PrismaClient,
  ended: Ended,
  inbox: readonly ReceivedEmail[],
  options: { redeliveryAllowed?: boolean; ledger?: Ledger } = {},
): Promise<Figures> {
  const { finals } = ended;
  // Charges and invoices of lost subscriptions count too; only their periods cannot be checked.
  const ids = [...finals.keys(), ...ended.lost];
  const invoices = await prisma.invoice.findMany({ where: { subscriptionId: { in: ids } } });
  const numbers = new Set(invoices.map((invoice) => invoice.reference));
  const references = [...new Set(ids.map((id) => `INV-${id}-`))];
  const charges = await (options.ledger ?? sandboxLedger(prisma))(references);
  const chargesPer = new Map<string, LedgerCharge[]>();
  for (const charge of charges) chargesPer.set(charge.reference, [...(chargesPer.get(charge.reference) ?? []), charge]);
  const attempts = await prisma.paymentAttempt.findMany({ where: { paidInvoiceId: { in: invoices.map((invoice) => invoice.id) } } });
  const paidBy = new Map(attempts.map((attempt) => [attempt.paidInvoiceId, attempt.gatewayChargeId]));

  let doubleCharges = 0;
  let unmatchedCharges = charges.filter((charge) => !numbers.has(charge.reference)).length;
  let unpaidInvoices = 0;
  for (const invoice of invoices) {
    const paid = chargesPer.get(invoice.reference) ?? [];
    doubleCharges += Math.max(0, paid.length - 1);
    if (invoice.status !== 'paid') unpaidInvoices += 1;
    else if (invoice.amountCents > 0 && !paid.some((charge) => charge.chargeId === paidBy.get(invoice.id))) unmatchedCharges += 1;
    else if (paid.length > 0 && paid[0]!.amountCents !== invoice.amountCents) unpaidInvoices += 1;
  }

  let missingInvoices = 0;
  let duplicateInvoices = 0;
  for (const [id, final] of finals) {
    const periods = countBy(
      invoices.filter((invoice) => invoice.subscriptionId === id && invoice.periodIndex !== null),
      (invoice) => String(invoice.periodIndex),
    );
    for (let period = 0; period <= final.periodIndex; period += 1) {
      const count = periods.get(String(period)) ?? 0;
      if (count === 0) missingInvoices += 1;
      duplicateInvoices += Math.max(0, count - 1);
    }
    // Canceled at period end: it must have ended exactly where its last billed period ends.
    if (final.status !== 'canceled' || final.endedAt !== final.currentPeriod.end) missingInvoices += 1;
  }

  const recorded = await prisma.emailMessage.findMany({ where: { subscriptionId: { in: ids } } });
  const expectedKeys = new Set(recorded.map((row) => row.idempotencyKey));
  // Every paid invoice must have its receipt recorded, even if the record itself were lost. Email
  // keys name an invoice as the workflow does: by its reference, not its legal number.
  let missingEmails = invoices.filter((invoice) => invoice.status === 'paid' && !expectedKeys.has(`${invoice.subscriptionId}/receipt/${invoice.reference}`)).length;
  const mine = inbox.filter((email) => ids.includes(email.subscriptionId));
  const deliveries = countBy(mine, (email) => email.messageId);
  const known = new Set(recorded.map((row) => row.messageId));
  const redeliveries = [...deliveries.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
  // A delivery no record accounts for: the same event sent again as a different email.
  const duplicateEmails = mine.filter((email) => !known.has(email.messageId)).length + (options.redeliveryAllowed ? 0 : redeliveries);
  for (const row of recorded) if (!row.sentAt || !row.messageId || !deliveries.has(row.messageId)) missingEmails += 1;

  return {
    subscriptions: finals.size + ended.lost.length,
    lostSubscriptions: ended.lost.length,
    periodsBilled: invoices.length,
    doubleCharges,
    unmatchedCharges,
    missingInvoices,
    duplicateInvoices,
    unpaidInvoices,
    emailsExpected: recorded.length,
    duplicateEmails,
    redeliveries,
    missingEmails,
  };
}
