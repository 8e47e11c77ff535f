// The sentences of the emails to the business's operations (not to customers): in English always.
export const operations = {
  disputeOpened: {
    subject: (invoice: string, amount: string) => `Chargeback on invoice ${invoice}: ${amount}`,
    disputed: (customerEmail: string, invoice: string, reason: string) =>
      `${customerEmail} disputed the payment of invoice ${invoice} with their bank (reason: ${reason}).`,
    answer: (disputeId: string, amount: string) =>
      `Dispute ${disputeId} is for ${amount}. Answer it with evidence in the payment provider's dashboard before its deadline, or accept it.`,
  },
} as const;
