import { SandboxGateway, SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { GatewayUnavailableError, IdempotencyKeyReuseError } from '../../gateway/payment-gateway';
import type { TestDatabase } from '../support/database';
import { createTestDatabase } from '../support/database';

let db: TestDatabase;
let gateway: SandboxGateway;
beforeAll(async () => {
  db = await createTestDatabase();
  gateway = new SandboxGateway(db.prisma);
});
afterAll(async () => {
  await db?.drop();
});

/** Who and what a charge is for: the sandbox decides by token alone. */
const FOR = { invoiceNumber: '1', subscriptionId: 'sub_sandbox', customer: { id: 'cus_sandbox', email: 'sandbox@example.com', name: null } };

let keys = 0;
const charge = (paymentMethod: string, reference = `INV-${++keys}`, idempotencyKey = `key-${++keys}`) =>
  gateway.charge({ ...FOR, idempotencyKey, amountCents: 2900, currency: 'EUR', paymentMethod, reference, at: '2027-01-01T00:00:00Z' });

test('pm_card_visa succeeds', async () => {
  expect(await charge(SANDBOX_TOKENS.success)).toMatchObject({ outcome: 'succeeded' });
});

test('insufficient funds is a soft decline', async () => {
  expect(await charge(SANDBOX_TOKENS.softDecline)).toMatchObject({ outcome: 'declined', declineType: 'soft', declineCode: 'insufficient_funds' });
});

test.each([
  ['pm_card_stolen', 'stolen_card'],
  ['pm_card_lost', 'lost_card'],
  ['pm_card_expired', 'expired_card'],
])('%s is a hard decline (%s)', async (token, code) => {
  expect(await charge(token)).toMatchObject({ outcome: 'declined', declineType: 'hard', declineCode: code });
});

test('pm_card_fail_first_2 declines the first two attempts of an invoice, then succeeds', async () => {
  const outcomes = [];
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    outcomes.push((await charge(SANDBOX_TOKENS.failFirst(2), 'INV-fail-first', `fail-first/${attempt}`)).outcome);
  }
  expect(outcomes).toEqual(['declined', 'declined', 'succeeded']);
});

test('the same idempotency key never charges twice: a repeated request replays the first result', async () => {
  const first = await charge(SANDBOX_TOKENS.failFirst(1), 'INV-idem', 'idem-1');
  const again = await charge(SANDBOX_TOKENS.failFirst(1), 'INV-idem', 'idem-1');
  expect(first).toMatchObject({ outcome: 'declined' });
  expect(again).toEqual(first);
  expect(await db.prisma.sandboxCharge.count({ where: { idempotencyKey: 'idem-1' } })).toBe(1);
});

test.each([
  ['another amount', { amountCents: 3000 }],
  ['another currency', { currency: 'NOK' }],
  ['another payment method', { paymentMethod: SANDBOX_TOKENS.softDecline }],
  ['another reference', { reference: 'INV-other' }],
])('a key reused with %s is refused, as real processors refuse it', async (_what, change) => {
  const request = { ...FOR, idempotencyKey: `reuse-${++keys}`, amountCents: 2900, currency: 'EUR', paymentMethod: SANDBOX_TOKENS.success, reference: 'INV-reuse', at: '2027-01-01T00:00:00Z' };
  await gateway.charge(request);
  await expect(gateway.charge({ ...request, ...change })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  expect(await db.prisma.sandboxCharge.count({ where: { idempotencyKey: request.idempotencyKey } })).toBe(1);
});

test('a refund key reused for another amount or charge is refused', async () => {
  const first = { idempotencyKey: `refund-reuse-${++keys}`, chargeId: 'ch_a', amountCents: 500, currency: 'EUR', at: '2027-01-01T00:00:00Z' };
  const { refundId } = await gateway.refund(first);
  expect(await gateway.refund(first)).toEqual({ refundId });
  await expect(gateway.refund({ ...first, amountCents: 600 })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  await expect(gateway.refund({ ...first, chargeId: 'ch_b' })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
});

test('concurrent duplicates record one charge', async () => {
  const results = await Promise.all([1, 2, 3, 4].map(() => charge(SANDBOX_TOKENS.success, 'INV-race', 'race-1')));
  expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
  expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-race' } })).toBe(1);
});

test('an unavailable gateway throws before charging; a lost response throws after charging', async () => {
  await expect(charge(SANDBOX_TOKENS.unavailable(1), 'INV-down', 'down-1')).rejects.toBeInstanceOf(GatewayUnavailableError);
  expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-down' } })).toBe(0);
  expect(await charge(SANDBOX_TOKENS.unavailable(1), 'INV-down', 'down-1')).toMatchObject({ outcome: 'succeeded' });

  await expect(charge(SANDBOX_TOKENS.lostResponse(1), 'INV-lost', 'lost-1')).rejects.toBeInstanceOf(GatewayUnavailableError);
  expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-lost' } })).toBe(1);
  expect(await charge(SANDBOX_TOKENS.lostResponse(1), 'INV-lost', 'lost-1')).toMatchObject({ outcome: 'succeeded' });
  expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-lost' } })).toBe(1);
});

describe('pm_card_hang_<ms>_<times>', () => {
  const sleeps: number[] = [];
  // Records the delay instead of waiting; a test chooses when a "hanging" call wakes up.
  const wakeUps: Array<() => void> = [];
  const hanging = () =>
    new SandboxGateway(db.prisma, {
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise<void>((resolve) => wakeUps.push(resolve));
      },
    });
  const request = (key: string) => ({ ...FOR, idempotencyKey: key, amountCents: 2900, currency: 'EUR', paymentMethod: SANDBOX_TOKENS.hang(40_000, 1), reference: `INV-${key}`, at: '2027-01-01T00:00:00Z' });

  beforeEach(() => {
    sleeps.length = 0;
    wakeUps.length = 0;
  });

  test('hangs the first call of a key before charging anything, then charges when it wakes', async () => {
    const gateway = hanging();
    const late = gateway.charge(request('hang-1'));
    expect(sleeps).toEqual([40_000]);
    expect(await db.prisma.sandboxCharge.count({ where: { idempotencyKey: 'hang-1' } })).toBe(0);
    wakeUps[0]!();
    expect(await late).toMatchObject({ outcome: 'succeeded' });
    expect(await db.prisma.sandboxCharge.count({ where: { idempotencyKey: 'hang-1' } })).toBe(1);
  });

  test('a retry under the same key answers at once, and the late first call then finds that charge', async () => {
    const gateway = hanging();
    const late = gateway.charge(request('hang-2'));
    const retry = await gateway.charge(request('hang-2'));
    expect(sleeps).toEqual([40_000]);
    wakeUps[0]!();
    expect(await late).toEqual(retry);
    expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-hang-2' } })).toBe(1);
  });

  test('a retry under a new key is a second charge: the idempotency key is what prevents it', async () => {
    const gateway = hanging();
    const late = gateway.charge(request('hang-3a'));
    const retry = gateway.charge({ ...request('hang-3b'), reference: 'INV-hang-3a' });
    wakeUps.forEach((wake) => wake());
    await Promise.all([late, retry]);
    expect(await db.prisma.sandboxCharge.count({ where: { reference: 'INV-hang-3a', outcome: 'succeeded' } })).toBe(2);
  });
});
