// The account-credit ledger (CreditEntry): entries a lifecycle step made, written once each under
// its key, in the transaction of the fact that made them when there is one (an invoice).
import type { CreditEntryDraft } from '../domain/credit';
import type { Prisma } from '../prisma/generated/client';
import type { ActivityDeps } from './deps';

export interface CreditOwner {
  subscriptionId: string;
  customerId: string;
  currency: string;
}

export async function writeCreditEntries(tx: Prisma.TransactionClient, owner: CreditOwner, entries: readonly CreditEntryDraft[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.creditEntry.createMany({
    data: entries.map((entry) => ({
      key: entry.key,
      subscriptionId: owner.subscriptionId,
      customerId: owner.customerId,
      amountCents: entry.amountCents,
      currency: owner.currency,
      cause: entry.cause,
      invoiceNumber: entry.invoiceNumber,
      periodIndex: entry.periodIndex,
      balanceAfterCents: entry.balanceAfterCents,
      createdAt: new Date(entry.at),
    })),
    skipDuplicates: true,
  });
}

export function createCreditActivities({ prisma }: Pick<ActivityDeps, 'prisma'>) {
  return {
    /** Entries with no invoice of their own (a pause's credit). */
    async recordCredit(input: CreditOwner & { entries: CreditEntryDraft[] }): Promise<void> {
      await prisma.$transaction((tx) => writeCreditEntries(tx, input, input.entries));
    },
  };
}
