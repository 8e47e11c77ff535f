// Paying account credit back to the card when a subscription ends (amount rules 4, domain/credit.ts
// refundCreditAtEnd): refunds of the subscription's charges, newest first, recorded as payouts
// (CreditPayout), not credit notes. The credit is money held for the customer; what made it (an
// invoice's surplus, a pause) corrected no VAT that a credit note would now have to correct again.
import { log } from '@temporalio/activity';
import { refundedOf } from '../domain/payments';
import { GatewayRequestError } from '../gateway/payment-gateway';
import type { ActivityDeps } from './deps';

export interface RefundAccountCreditInput {
  subscriptionId: string;
  amountCents: number;
  /** Business time: when the subscription ended. */
  at: string;
}

export function createCreditPayoutActivities({ prisma, gateway }: Pick<ActivityDeps, 'prisma' | 'gateway'>) {
  return {
    /**
     * Refunds up to `amountCents` to the subscription's charges, newest first, each at most what is
     * left of it after earlier refunds, under a key of its own (`<subscription>/credit-payout/<invoice>`).
     * Answers what went back: less than asked when the charges cannot take it all (a period paid
     * elsewhere, a disputed charge, a refund the gateway refuses for good). A retry finds the
     * payouts it made, and asks the gateway again with the same key and amount for one it may
     * have made without recording it.
     */
    async refundAccountCredit(input: RefundAccountCreditInput): Promise<{ refundedCents: number }> {
      const invoices = await prisma.invoice.findMany({
        where: {
          subscriptionId: input.subscriptionId,
          status: 'paid',
          amountCents: { gt: 0 },
          attempts: { some: { outcome: 'succeeded', gatewayChargeId: { not: null } } },
          disputes: { none: {} },
        },
        orderBy: { sequence: 'desc' },
        include: { attempts: { where: { outcome: 'succeeded' } }, creditNotes: { where: { kind: 'refund' } }, creditPayouts: true },
      });
      let left = input.amountCents;
      for (const invoice of invoices) {
        if (left <= 0) break;
        const idempotencyKey = `${input.subscriptionId}/credit-payout/${invoice.reference}`;
        const made = invoice.creditPayouts.find((payout) => payout.idempotencyKey === idempotencyKey);
        if (made) {
          left -= made.amountCents;
          continue;
        }
        const amountCents = Math.min(left, invoice.amountCents - refundedOf(invoice));
        const chargeId = invoice.attempts[0]?.gatewayChargeId;
        if (amountCents <= 0 || !chargeId) continue;
        let refundId: string;
        try {
          ({ refundId } = await gateway.refund({ idempotencyKey, chargeId, amountCents, currency: invoice.currency, at: input.at }));
        } catch (error) {
          // Refused for good (a charge too old to refund, say): an older charge may take it.
          if (!(error instanceof GatewayRequestError)) throw error;
          log.warn('account credit not paid out to a charge the gateway refused', { invoice: invoice.reference, amountCents, error: error.message });
          continue;
        }
        await prisma.creditPayout.createMany({
          data: [{ idempotencyKey, subscriptionId: input.subscriptionId, invoiceId: invoice.id, amountCents, currency: invoice.currency, gatewayRefundId: refundId, createdAt: new Date(input.at) }],
          skipDuplicates: true,
        });
        left -= amountCents;
      }
      return { refundedCents: input.amountCents - left };
    },
  };
}
