// Which way a payment event goes when the server answers a signal with "not found": to the
// subscription's workflow if it still runs, to a booking workflow of its own if it ended. A
// stand-in for Temporal's client plays the server's answers; no server runs here.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deliverPaymentEvent } from '../../api/services/payment-events';
import type { PaymentEvent } from '../../domain/payment-events';

type Answer = 'ok' | 'not found';

/** A client whose signals answer `signals` in turn and whose describe answers `status`. */
function server(signals: Answer[], status: 'RUNNING' | 'COMPLETED' | 'not found') {
  const calls = { signals: 0, describes: 0, starts: [] as string[] };
  const notFound = () => new WorkflowNotFoundError('workflow not found', 'subscription-sub_1', undefined);
  const handle = {
    signal: async () => {
      const answer = signals[calls.signals++] ?? 'ok';
      if (answer === 'not found') throw notFound();
    },
    describe: async () => {
      calls.describes += 1;
      if (status === 'not found') throw notFound();
      return { status: { name: status } };
    },
  };
  const workflow = {
    getHandle: () => handle,
    start: async (_type: string, options: { workflowId: string }) => {
      calls.starts.push(options.workflowId);
    },
  };
  return { temporal: { workflow } as unknown as Client, calls };
}

const refund: PaymentEvent = { kind: 'refunded', eventId: 'evt_1', chargeId: 'ch_1', refundId: 're_1', refundedCents: 500, currency: 'NOK', at: '2027-01-01T00:00:00.000Z' };

test('a "not found" from a subscription whose workflow still runs is signaled again, not booked after its end', async () => {
  const { temporal, calls } = server(['not found', 'ok'], 'RUNNING');
  expect(await deliverPaymentEvent({ temporal, taskQueue: 'q' }, ['sub_1'], refund)).toEqual(['sub_1']);
  expect(calls).toEqual({ signals: 2, describes: 1, starts: [] });
});

test('a refund for a subscription that ended is booked by a workflow of its own', async () => {
  const { temporal, calls } = server(['not found'], 'COMPLETED');
  expect(await deliverPaymentEvent({ temporal, taskQueue: 'q' }, ['sub_1'], refund)).toEqual(['sub_1']);
  expect(calls).toEqual({ signals: 1, describes: 1, starts: ['payment-event-evt_1'] });
});

test('a subscription with no workflow at all gets a refund booked, and a card update reaches no one', async () => {
  const booked = server(['not found'], 'not found');
  expect(await deliverPaymentEvent({ temporal: booked.temporal, taskQueue: 'q' }, ['sub_1'], refund)).toEqual(['sub_1']);
  expect(booked.calls.starts).toEqual(['payment-event-evt_1']);
  const card = server(['not found'], 'COMPLETED');
  expect(await deliverPaymentEvent({ temporal: card.temporal, taskQueue: 'q' }, ['sub_1'], { kind: 'charge_updated', eventId: 'evt_2', chargeId: 'ch_1' })).toEqual([]);
  expect(card.calls.starts).toEqual([]);
});

test('a running workflow that answers "not found" twice fails the delivery with a 503, so the sender retries it', async () => {
  const { temporal, calls } = server(['not found', 'not found'], 'RUNNING');
  await expect(deliverPaymentEvent({ temporal, taskQueue: 'q' }, ['sub_1'], refund)).rejects.toMatchObject({ status: 503 });
  expect(calls.starts).toEqual([]);
});
