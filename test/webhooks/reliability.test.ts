// Webhooks under failure: an emitting activity that crashes after its commit and is retried, and
// endpoints that are down for good, while billing goes on.
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createActivities } from '../../activities';
import type { InvoiceDraft } from '../../domain/invoice';
import { webhookDeliveryWorkflowId } from '../../domain/webhooks';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import type { Receiver } from './receiver';
import { refusedUrl, startReceiver, subjectOf } from './receiver';

let h: Harness;
let d: Driver;
const receivers: Receiver[] = [];
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(status = 200): Promise<Receiver> {
  const started = await startReceiver(status);
  receivers.push(started);
  return started;
}

async function register(url: string): Promise<string> {
  const res = await request(d.app).post('/webhooks').send({ url });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const deliveriesTo = (endpointId: string, subscriptionId: string) =>
  h.db.prisma.webhookDelivery.findMany({ where: { endpointId, event: { subscriptionId } }, include: { event: true }, orderBy: { createdAt: 'asc' } });

test('an invoice activity retried after a crash between its commit and the delivery start records and delivers its event once', async () => {
  const live = await receiver();
  const endpointId = await register(live.url);
  const created = await d.create({ id: 'wh_once', customer: newCustomer('wh_once'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await eventually(async () => live.received.filter((hook) => hook.body.type === 'invoice.paid').length, (n) => n === 1, 'the first invoice.paid');

  const draft: InvoiceDraft = {
    number: 'INV-wh_once-0900',
    subscriptionId: 'wh_once',
    customerId: (await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'wh_once' } })).customerId,
    periodIndex: null,
    billingReason: 'subscription_update',
    period: created.currentPeriod,
    currency: created.latestInvoice!.currency,
    lines: [{ kind: 'proration_charge', description: 'Seats, rest of the period', quantity: 1, amountCents: 500 }],
    subtotalCents: 500,
    netCents: 400,
    taxCents: 100,
    amountCents: 500,
    issuedAt: created.currentPeriod.start,
    treatment: 'domestic',
    vatSummary: [{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 400, taxCents: 100 }],
    buyer: null,
  };
  // The process dies after the transaction committed, before any delivery workflow started.
  const crashed = { workflow: { start: () => Promise.reject(new Error('worker process killed')) } } as unknown as Client;
  const crashing = createActivities({ ...h.deps, temporal: { ...h.deps.temporal, client: crashed } });
  await expect(crashing.issueInvoice({ draft, credit: [] })).rejects.toThrow('worker process killed');
  const [pending] = await deliveriesTo(endpointId, 'wh_once').then((rows) => rows.filter((row) => row.event.type === 'invoice.created' && row.event.idempotencyKey.endsWith('0900')));
  expect(pending).toMatchObject({ status: 'pending', attempts: 0 });

  // Temporal retries the activity (twice here: the second retry meets a delivery in flight or done).
  const activities = createActivities(h.deps);
  await activities.issueInvoice({ draft, credit: [] });
  await activities.issueInvoice({ draft, credit: [] });
  const handle = h.env.client.workflow.getHandle(webhookDeliveryWorkflowId(pending!.id));
  expect(await handle.result()).toBe('delivered');
  await activities.issueInvoice({ draft, credit: [] });

  expect(await h.db.prisma.webhookEvent.count({ where: { idempotencyKey: 'invoice.created:INV-wh_once-0900' } })).toBe(1);
  expect(await h.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: pending!.id } })).toMatchObject({ status: 'delivered', attempts: 1 });
  // The closed delivery workflow is never run again (its id is reserved), so this count is final.
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect(live.received.filter((hook) => hook.body.data.invoice?.reference === 'INV-wh_once-0900')).toHaveLength(1);
  await request(d.app).delete(`/webhooks/${endpointId}`).expect(200);
});

test('dead endpoints are retried with backoff and marked failed after the last attempt, while renewals are invoiced and charged on time', async () => {
  const down = await receiver(500);
  const downId = await register(down.url);
  const refusedId = await register(await refusedUrl());
  const created = await d.create({ id: 'wh_dead', customer: newCustomer('wh_dead'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const opening = ['invoice.created', 'invoice.paid', 'subscription.created', 'subscription.updated'];
  const attemptsOf = async (endpointId: string) => (await deliveriesTo(endpointId, 'wh_dead')).map((row) => row.attempts);
  const attemptsReach = (endpointId: string, n: number) =>
    eventually(() => attemptsOf(endpointId), (attempts) => attempts.length === opening.length && attempts.every((a) => a === n), `${n} attempts at ${endpointId}`);

  // First attempts at once; retries after 30 s and 1 min more (at 1.5 min), the next at 3.5 min.
  await attemptsReach(downId, 1);
  await d.advance(2 * 60_000);
  await attemptsReach(downId, 3);
  await attemptsReach(refusedId, 3);
  // Doubling up to an hour: attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 min, the 8th at 63.5 min.
  await d.advance(60 * 60_000);
  await attemptsReach(downId, 7);
  const failing = await deliveriesTo(downId, 'wh_dead');
  expect(failing.map((row) => row.event.type).sort()).toEqual(opening);
  expect(failing.every((row) => row.status === 'pending' && row.lastStatusCode === 500 && row.lastError === 'HTTP 500' && row.lastResponseBytes === 'receiver is down'.length)).toBe(true);
  expect((await deliveriesTo(refusedId, 'wh_dead')).every((row) => row.lastStatusCode === null && /ECONNREFUSED/.test(row.lastError ?? ''))).toBe(true);
  expect(down.received.filter((hook) => subjectOf(hook.body) === 'wh_dead')).toHaveLength(opening.length * 7);

  // Past three days the deliveries give up; the renewal a month later is billed at its due time.
  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('wh_dead', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal paid');
  const before = (row: { event: { createdAt: Date } }) => row.event.createdAt.toISOString() < created.currentPeriod.end;
  for (const endpointId of [downId, refusedId]) {
    const opened = (await deliveriesTo(endpointId, 'wh_dead')).filter(before);
    expect(opened.map((row) => row.event.type).sort()).toEqual(opening);
    expect(opened.map((row) => [row.status, row.attempts])).toEqual(opening.map(() => ['failed', 80]));
  }
  const renewal = await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: renewed.latestInvoice!.number }, include: { attempts: true } });
  expect(renewal.createdAt.toISOString()).toBe(created.currentPeriod.end);
  expect(renewal.attempts.map((a) => [a.outcome, a.createdAt.toISOString()])).toEqual([['succeeded', created.currentPeriod.end]]);

  // Disabling an endpoint stops its pending deliveries at their next attempt.
  await request(d.app).delete(`/webhooks/${downId}`).expect(200);
  await request(d.app).delete(`/webhooks/${refusedId}`).expect(200);
  await d.advance(DAY);
  for (const endpointId of [downId, refusedId]) {
    const renewalDeliveries = (await deliveriesTo(endpointId, 'wh_dead')).filter((row) => !before(row));
    expect(renewalDeliveries.map((row) => row.event.type).sort()).toEqual(['invoice.created', 'invoice.paid', 'subscription.updated']);
    expect(renewalDeliveries.every((row) => row.status === 'failed' && row.lastError === 'endpoint disabled')).toBe(true);
  }
  const log = await request(d.app).get(`/webhooks/${downId}/deliveries?status=failed&limit=100`).expect(200);
  expect(log.body.data.filter((row: { subscriptionId: string }) => row.subscriptionId === 'wh_dead')).toHaveLength(opening.length + 3);
});
