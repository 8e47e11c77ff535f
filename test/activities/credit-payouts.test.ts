// Paying an ended subscription's account credit back to the card (activities/credit-payouts.ts):
// against its charges newest first, each net of what was refunded before, past a charge the
// gateway refuses for good; payouts, not credit notes; a retry pays out nothing more.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createChargeActivities } from '../../activities/charges';
import { createCreditPayoutActivities } from '../../activities/credit-payouts';
import type { ActivityDeps } from '../../activities/deps';
import type { ChargeResult } from '../../domain/payments';
import type { RefundRequest } from '../../gateway/payment-gateway';
import { GatewayRequestError } from '../../gateway/payment-gateway';
import { SandboxGateway } from '../../gateway/sandbox-gateway';
import type { TestDatabase } from '../support/database';
import { createTestDatabase } from '../support/database';

const AT = '2028-03-10T00:00:00.000Z';
let db: TestDatabase;
let activities: ReturnType<typeof createChargeActivities>;
let payouts: ReturnType<typeof createCreditPayoutActivities>;
const refundCalls: RefundRequest[] = [];
/** The gateway's charge it refuses to refund (too old, say). */
let refusedCharge: string | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  const sandbox = new SandboxGateway(db.prisma);
  const refusing = Object.assign(Object.create(sandbox) as SandboxGateway, {
    refund: (request: RefundRequest) => {
      refundCalls.push(request);
      if (request.chargeId === refusedCharge) return Promise.reject(new GatewayRequestError(`charge ${request.chargeId} is too old to refund`));
      return sandbox.refund(request);
    },
  });
  await db.prisma.customer.create({ data: { id: 'cus_rc', email: 'rc@example.com' } });
  await db.prisma.subscription.create({ data: { id: 'sub_rc', workflowId: 'subscription-sub_rc', customerId: 'cus_rc', planCode: 'pro-monthly', status: 'canceled', paymentMethod: 'pm_card_visa' } });
  activities = createChargeActivities({ prisma: db.prisma, gateway: refusing, temporal: { client: null, taskQueue: 'none' } } as unknown as ActivityDeps);
  payouts = createCreditPayoutActivities({ prisma: db.prisma, gateway: refusing });
});
afterAll(async () => {
  await db?.drop();
});

const env = () => new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

/** A 2,900 invoice of the subscription, charged and paid through the sandbox. */
async function paidInvoice(n: number, subscriptionId = 'sub_rc'): Promise<{ reference: string; chargeId: string }> {
  const reference = `INV-${subscriptionId}-000${n}`;
  const at = new Date(AT);
  await db.prisma.invoice.create({
    data: { reference, number: `rc-${n}`, sequence: 80_000 + n, subscriptionId, customerId: 'cus_rc', billingReason: 'subscription_cycle', periodStart: at, periodEnd: at, currency: 'EUR', subtotalCents: 2_900, amountCents: 2_900, status: 'open' },
  });
  const charged: ChargeResult = await env().run(activities.chargeInvoice, {
    invoiceNumber: reference,
    attempt: 1,
    idempotencyKey: `subscription-${subscriptionId}/${reference}/1`,
    paymentMethod: 'pm_card_visa',
    amountCents: 2_900,
    currency: 'EUR',
    claimsPeriodIndex: null,
    at: AT,
  });
  if (charged.outcome !== 'succeeded') throw new Error(`the sandbox declined ${reference}`);
  return { reference, chargeId: charged.chargeId };
}

test('credit goes back newest charge first, net of earlier refunds and past a charge the gateway refuses, as payouts; a retry pays out nothing more', async () => {
  const oldest = await paidInvoice(1);
  const middle = await paidInvoice(2);
  const newest = await paidInvoice(3);
  await env().run(activities.refundInvoice, { invoiceNumber: middle.reference, amountCents: 2_000, idempotencyKey: 'sub_rc/refund/earlier', periodIndex: 1, at: AT });
  refusedCharge = newest.chargeId;

  const first = await env().run(payouts.refundAccountCredit, { subscriptionId: 'sub_rc', amountCents: 3_000, at: AT });
  // The 900 left on the middle charge first, then 2,100 of the oldest (oldest first would take 2,900 and 100).
  expect(first).toEqual({ refundedCents: 3_000 });
  const paidOut = await db.prisma.creditPayout.findMany({ include: { invoice: true }, orderBy: { amountCents: 'asc' } });
  expect(paidOut.map((payout) => [payout.invoice.reference, payout.amountCents])).toEqual([
    [middle.reference, 900],
    [oldest.reference, 2_100],
  ]);
  // No credit note: paying out credit corrects no invoice's VAT (the one earlier refund has its own).
  expect(await db.prisma.creditNote.count()).toBe(1);
  const refunds = await db.prisma.sandboxRefund.findMany({ where: { idempotencyKey: { startsWith: 'sub_rc/credit-payout/' } } });
  expect(refunds.map((refund) => [refund.chargeId, refund.amountCents]).sort()).toEqual([[middle.chargeId, 900], [oldest.chargeId, 2_100]].sort());

  const calls = refundCalls.length;
  expect(await env().run(payouts.refundAccountCredit, { subscriptionId: 'sub_rc', amountCents: 3_000, at: AT })).toEqual(first);
  expect(await db.prisma.creditPayout.count()).toBe(2);
  // Only the refused charge is asked again (it might take it now); the others are found done.
  expect(refundCalls.slice(calls).map((call) => call.chargeId)).toEqual([newest.chargeId]);
});

test('a later refund of the period takes only what the payouts left of the charge', async () => {
  const charge = await paidInvoice(4);
  await env().run(payouts.refundAccountCredit, { subscriptionId: 'sub_rc', amountCents: 2_000, at: AT });
  const note: { amountCents: number } = await env().run(activities.refundInvoice, { invoiceNumber: charge.reference, amountCents: 2_900, idempotencyKey: 'sub_rc/refund/later', periodIndex: 4, at: AT });
  expect(note.amountCents).toBe(900);
});

test('credit beyond what the charges can take stays: the answer is what went back', async () => {
  await db.prisma.subscription.create({ data: { id: 'sub_rc2', workflowId: 'subscription-sub_rc2', customerId: 'cus_rc', planCode: 'pro-monthly', status: 'canceled', paymentMethod: 'pm_card_visa' } });
  expect(await env().run(payouts.refundAccountCredit, { subscriptionId: 'sub_rc2', amountCents: 1_000, at: AT })).toEqual({ refundedCents: 0 });
  await paidInvoice(5, 'sub_rc2');
  expect(await env().run(payouts.refundAccountCredit, { subscriptionId: 'sub_rc2', amountCents: 4_000, at: AT })).toEqual({ refundedCents: 2_900 });
});
