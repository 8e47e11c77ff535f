// The charge activity never charges what must not be charged: an invoice that is void or written
// off, one already paid by another attempt, or one whose amount is not what the workflow asked for.
// A retried attempt replays its own recorded outcome, and tells the gateway it may have been there before.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { ChargeInvoiceInput } from '../../activities/charges';
import { createChargeActivities } from '../../activities/charges';
import type { ActivityDeps } from '../../activities/deps';
import type { ChargeRequest } from '../../gateway/payment-gateway';
import { SANDBOX_TOKENS, SandboxGateway } from '../../gateway/sandbox-gateway';
import type { TestDatabase } from '../support/database';
import { createTestDatabase } from '../support/database';

let db: TestDatabase;
const gatewayCalls: ChargeRequest[] = [];
let charges: ReturnType<typeof createChargeActivities>;

beforeAll(async () => {
  db = await createTestDatabase();
  const sandbox = new SandboxGateway(db.prisma);
  const counting = {
    name: sandbox.name,
    charge: (request: ChargeRequest) => {
      gatewayCalls.push(request);
      return sandbox.charge(request);
    },
    refund: sandbox.refund.bind(sandbox),
  };
  await db.prisma.customer.create({ data: { id: 'cus_ch', email: 'ch@example.com' } });
  await db.prisma.subscription.create({ data: { id: 'sub_ch', workflowId: 'subscription-sub_ch', customerId: 'cus_ch', planCode: 'pro-monthly', status: 'active', paymentMethod: 'pm_card_visa' } });
  // No webhook endpoint is registered: nothing is started, so no Temporal client is needed.
  charges = createChargeActivities({ prisma: db.prisma, gateway: counting, temporal: { client: null, taskQueue: 'none' } } as unknown as ActivityDeps);
});
afterAll(async () => {
  await db?.drop();
});

let invoices = 0;
async function invoice(status: 'open' | 'void' | 'uncollectible' | 'paid'): Promise<string> {
  invoices += 1;
  const number = `INV-sub_ch-${String(invoices).padStart(4, '0')}`;
  const at = new Date('2028-01-10T00:00:00Z');
  await db.prisma.invoice.create({
    data: { reference: number, number: `ch-${invoices}`, sequence: 90_000 + invoices, subscriptionId: 'sub_ch', customerId: 'cus_ch', billingReason: 'subscription_update', periodStart: at, periodEnd: at, currency: 'EUR', subtotalCents: 2_900, amountCents: 2_900, status },
  });
  return number;
}

const input = (invoiceNumber: string, attempt = 1, patch: Partial<ChargeInvoiceInput> = {}): ChargeInvoiceInput => ({
  invoiceNumber,
  attempt,
  idempotencyKey: `subscription-sub_ch/${invoiceNumber}/${attempt}`,
  paymentMethod: 'pm_card_visa',
  amountCents: 2_900,
  currency: 'EUR',
  claimsPeriodIndex: null,
  at: '2028-01-10T00:00:00.000Z',
  ...patch,
});

const run = (charge: ChargeInvoiceInput) => new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(charges.chargeInvoice, charge);

test.each(['void', 'uncollectible'] as const)('an invoice that is %s is refused without calling the gateway', async (status) => {
  const number = await invoice(status);
  const before = gatewayCalls.length;
  await expect(run(input(number))).rejects.toMatchObject({ type: 'InvoiceNotCollectible', nonRetryable: true });
  expect(gatewayCalls).toHaveLength(before);
  expect(await db.prisma.paymentAttempt.count({ where: { invoice: { reference: number } } })).toBe(0);
});

test('a paid invoice is never charged by another attempt; the attempt that paid it replays its success', async () => {
  const number = await invoice('open');
  const first = await run(input(number, 1));
  expect(first).toMatchObject({ outcome: 'succeeded' });
  const before = gatewayCalls.length;
  await expect(run(input(number, 2))).rejects.toMatchObject({ type: 'InvoiceAlreadyPaid', nonRetryable: true });
  expect(await run(input(number, 1))).toEqual(first);
  expect(gatewayCalls).toHaveLength(before);
  const attempts = await db.prisma.paymentAttempt.findMany({ where: { invoice: { reference: number } } });
  expect(attempts.map((a) => [a.attempt, a.outcome, a.paidInvoiceId !== null])).toEqual([[1, 'succeeded', true]]);
});

test('an invoice whose amount is not what the workflow asked for is refused (the rules and the books disagree)', async () => {
  const number = await invoice('open');
  const before = gatewayCalls.length;
  await expect(run(input(number, 1, { amountCents: 2_901 }))).rejects.toMatchObject({ type: 'InvoiceAmountMismatch', nonRetryable: true });
  expect(gatewayCalls).toHaveLength(before);
});

test('the database refuses a second successful charge of one invoice', async () => {
  const number = await invoice('open');
  await run(input(number, 1));
  const row = await db.prisma.invoice.findUniqueOrThrow({ where: { reference: number } });
  await expect(
    db.prisma.paymentAttempt.create({
      data: { idempotencyKey: `${number}/forged`, invoiceId: row.id, attempt: 9, amountCents: 2_900, currency: 'EUR', paymentMethod: 'pm_card_visa', outcome: 'succeeded', paidInvoiceId: row.id },
    }),
  ).rejects.toMatchObject({ code: 'P2002' });
});

test('a plan change invoice claims the period it starts only once it is paid', async () => {
  const number = await invoice('open');
  await run(input(number, 1, { claimsPeriodIndex: 3 }));
  expect(await db.prisma.invoice.findUniqueOrThrow({ where: { reference: number } })).toMatchObject({ status: 'paid', periodIndex: 3 });
});

test('a retried attempt tells the gateway the key may have reached it (its answer was lost); the first call does not', async () => {
  const number = await invoice('open');
  const lost = input(number, 1, { paymentMethod: SANDBOX_TOKENS.lostResponse(1) });
  const before = gatewayCalls.length;
  await expect(run(lost)).rejects.toThrow(/response lost/);
  expect(await run(lost)).toMatchObject({ outcome: 'succeeded' });
  expect(gatewayCalls.slice(before).map((call) => [call.idempotencyKey, call.repeated])).toEqual([
    [lost.idempotencyKey, false],
    [lost.idempotencyKey, true],
  ]);
});
