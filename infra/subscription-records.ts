// Everything the engine wrote about one subscription, read back from the database in the order
// each kind was written: invoices (with lines), payment attempts, status changes, emails, offers,
// refunds (credit notes, and account credit paid out at the end) and the account-credit ledger. Shared by the what-if simulator's timeline and the API's GET …/timeline.
import type { PrismaClient } from '../prisma/generated/client';

export async function readSubscriptionRecords(prisma: PrismaClient, subscriptionId: string) {
  const [invoices, payments, statusChanges, emails, offers, refunds, payouts, credit] = await Promise.all([
    prisma.invoice.findMany({
      where: { subscriptionId },
      include: { lines: { orderBy: { position: 'asc' } } },
      orderBy: { sequence: 'asc' },
    }),
    prisma.paymentAttempt.findMany({ where: { invoice: { subscriptionId } }, include: { invoice: true }, orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }] }),
    prisma.statusChange.findMany({ where: { subscriptionId }, orderBy: [{ at: 'asc' }, { version: 'asc' }] }),
    prisma.emailMessage.findMany({ where: { subscriptionId }, orderBy: [{ createdAt: 'asc' }, { template: 'asc' }] }),
    prisma.offer.findMany({ where: { subscriptionId }, orderBy: { createdAt: 'asc' } }),
    prisma.creditNote.findMany({ where: { kind: 'refund', invoice: { subscriptionId } }, include: { invoice: true }, orderBy: { createdAt: 'asc' } }),
    prisma.creditPayout.findMany({ where: { subscriptionId }, include: { invoice: true }, orderBy: { createdAt: 'asc' } }),
    prisma.creditEntry.findMany({ where: { subscriptionId }, orderBy: { createdAt: 'asc' } }),
  ]);
  return { invoices, payments, statusChanges, emails, offers, refunds, payouts, credit };
}

export type SubscriptionRecords = Awaited<ReturnType<typeof readSubscriptionRecords>>;
