import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import type { PaymentGateway } from '../../gateway/payment-gateway';
import type { Harness } from '../support/harness';
import { eventually, querySubscription, startHarness } from '../support/harness';
import { startSubscription } from '../support/fixtures';

let h: Harness;
const gatewayCalls: string[] = [];
beforeAll(async () => {
  h = await startHarness({
    gateway: (sandbox): PaymentGateway => ({
      charge: (request) => {
        gatewayCalls.push(request.idempotencyKey);
        return sandbox.charge(request);
      },
      refund: (request) => sandbox.refund(request),
      name: sandbox.name,
      chargeStatus: (ref) => sandbox.chargeStatus(ref),
      cancelCharge: (ref) => sandbox.cancelCharge(ref),
    }),
  });
});
afterAll(async () => {
  await h?.teardown();
});

test('a charge whose response is lost is retried under the same key and charges the customer once', async () => {
  const handle = await startSubscription(h, 'lost_response', { paymentMethod: SANDBOX_TOKENS.lostResponse(1) });
  // The activity's retry backoff is a server timer: move time so it fires.
  await h.env.sleep('10s');
  const state = await eventually(() => querySubscription(h, handle.workflowId), (s) => s.latestInvoice?.status === 'paid', 'invoice paid');

  expect(state.status).toBe('active');
  // The gateway was called twice with one key: the lost answer, then the retry.
  expect(gatewayCalls).toEqual(['subscription-lost_response/INV-lost_response-0001/1', 'subscription-lost_response/INV-lost_response-0001/1']);
  const charges = await h.db.prisma.sandboxCharge.findMany({ where: { reference: state.latestInvoice!.number } });
  expect(charges).toHaveLength(1);
  expect(charges[0]!.outcome).toBe('succeeded');
  const attempts = await h.db.prisma.paymentAttempt.findMany({ where: { invoice: { reference: state.latestInvoice!.number } } });
  expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'succeeded']]);
});
