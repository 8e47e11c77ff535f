// The /webhooks API: registering (secret shown once), validation as problem+json, disabling,
// rotating the secret, and the delivery log.
import request from 'supertest';
import { verifyWebhookSignature } from '../../infra/webhook-signature';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import type { Receiver } from './receiver';
import { startReceiver } from './receiver';

let h: Harness;
let d: Driver;
let live: Receiver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  live = await startReceiver();
});
afterAll(async () => {
  await h?.teardown();
  await live?.close();
});

describe('registering an endpoint', () => {
  test.each([
    ['a URL of another scheme', { url: 'ftp://example.com/hooks' }, 'url'],
    ['something that is not a URL', { url: 'example dot com' }, 'url'],
    ['no URL', { events: ['invoice.paid'] }, 'url'],
    ['an unknown event type', { url: 'https://example.com/hooks', events: ['invoice.paid', 'invoice.refunded'] }, 'events.1'],
    ['a repeated event type', { url: 'https://example.com/hooks', events: ['invoice.paid', 'invoice.paid'] }, 'events'],
    ['a secret of its own choosing', { url: 'https://example.com/hooks', secret: 'mine' }, '(body)'],
  ])('refuses %s with 400 problem+json naming the field', async (_what, body, field) => {
    const res = await request(d.app).post('/webhooks').send(body);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/validation-error', status: 400 });
    expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  test('answers 201 with the signing secret once; reads never show it', async () => {
    const res = await request(d.app)
      .post('/webhooks')
      .send({ url: 'http://127.0.0.1:9/crm', events: ['invoice.paid', 'subscription.canceled'], description: 'CRM' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ url: 'http://127.0.0.1:9/crm', events: ['invoice.paid', 'subscription.canceled'], description: 'CRM', enabled: true });
    expect(res.body.id).toMatch(/^we_[0-9a-f]{24}$/);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(res.headers.location).toBe(`/webhooks/${res.body.id}`);

    const one = await request(d.app).get(`/webhooks/${res.body.id}`).expect(200);
    expect(one.body).toEqual({ ...res.body, secret: undefined, deliveries: { pending: 0, delivered: 0, failed: 0 } });
    expect(one.body).not.toHaveProperty('secret');
    const list = await request(d.app).get('/webhooks').expect(200);
    expect(list.body.data).toContainEqual(expect.objectContaining({ id: res.body.id }));
    expect(list.body.data.every((endpoint: object) => !('secret' in endpoint))).toBe(true);
    await request(d.app).delete(`/webhooks/${res.body.id}`).expect(200);
  });

  test('an unknown endpoint is 404 and a malformed id 400', async () => {
    const missing = await request(d.app).get('/webhooks/we_000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
    expect((await request(d.app).delete('/webhooks/we_000000000000000000000000')).status).toBe(404);
    expect((await request(d.app).get('/webhooks/42')).status).toBe(400);
    expect((await request(d.app).get('/webhooks/events/evt_nope')).status).toBe(400);
    expect((await request(d.app).get(`/webhooks/events/evt_${'0'.repeat(32)}`)).status).toBe(404);
  });
});

test('the delivery log lists deliveries newest first with their attempts, filters by status, and shows each event', async () => {
  const { body: endpoint } = await request(d.app).post('/webhooks').send({ url: live.url }).expect(201);
  const { body: disabled } = await request(d.app).post('/webhooks').send({ url: 'http://127.0.0.1:9/gone' }).expect(201);
  expect((await request(d.app).delete(`/webhooks/${disabled.id}`).expect(200)).body).toMatchObject({ id: disabled.id, enabled: false });

  await d.create({ id: 'wh_log', customer: newCustomer('wh_log'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const log = await eventually(
    async () => (await request(d.app).get(`/webhooks/${endpoint.id}/deliveries?status=delivered`).expect(200)).body.data as Record<string, unknown>[],
    (rows) => rows.length === 4,
    'four deliveries delivered',
  );
  expect(log.map((row) => row.eventType).sort()).toEqual(['invoice.created', 'invoice.paid', 'subscription.created', 'subscription.updated']);
  expect(log.every((row) => row.subscriptionId === 'wh_log' && row.attempts === 1 && row.lastStatusCode === 200 && row.deliveredAt)).toBe(true);
  // Of the answer ('ok'), its size and latency only.
  expect(log.every((row) => row.lastResponseBytes === 2 && typeof row.lastLatencyMs === 'number' && row.lastError === null)).toBe(true);
  expect(Object.keys(log[0]!).sort()).toEqual(
    ['attempts', 'createdAt', 'deliveredAt', 'endpointId', 'eventId', 'eventType', 'id', 'lastAttemptAt', 'lastError', 'lastLatencyMs', 'lastResponseBytes', 'lastStatusCode', 'status', 'subscriptionId'],
  );
  const createdAt = log.map((row) => row.createdAt as string);
  expect(createdAt).toEqual([...createdAt].sort().reverse());

  expect((await request(d.app).get(`/webhooks/${endpoint.id}/deliveries?limit=2`).expect(200)).body.data).toHaveLength(2);
  expect((await request(d.app).get(`/webhooks/${endpoint.id}/deliveries?status=failed`).expect(200)).body.data).toEqual([]);
  const badQuery = await request(d.app).get(`/webhooks/${endpoint.id}/deliveries?status=lost&limit=0`);
  expect(badQuery.status).toBe(400);
  expect(badQuery.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'status']);
  expect((await request(d.app).get(`/webhooks/${endpoint.id}`).expect(200)).body.deliveries).toEqual({ pending: 0, delivered: 4, failed: 0 });

  // The event as stored is what the receiver got.
  const paid = live.received.find((hook) => hook.body.type === 'invoice.paid')!;
  const event = await request(d.app).get(`/webhooks/events/${paid.body.id}`).expect(200);
  expect(event.body).toMatchObject({ id: paid.body.id, type: 'invoice.paid', subscriptionId: 'wh_log', createdAt: paid.body.createdAt, data: paid.body.data });
  expect(event.body.deliveries).toEqual([expect.objectContaining({ endpointId: endpoint.id, status: 'delivered' })]);

  // A disabled endpoint gets no deliveries of new events.
  expect(await h.db.prisma.webhookDelivery.count({ where: { endpointId: disabled.id } })).toBe(0);
});

describe('rotating the secret', () => {
  const signaturesOf = (header: string) => header.split(',').filter((part) => part.startsWith('v1='));

  test('both secrets sign deliveries during the overlap window, only the new one after it', async () => {
    const rotating = await startReceiver();
    try {
      const { body: created } = await request(d.app).post('/webhooks').send({ url: rotating.url, events: ['invoice.paid'] }).expect(201);
      const now = await h.env.currentTimeMs();
      const { body: rotated } = await request(d.app).post(`/webhooks/${created.id}/rotate-secret`).expect(200);
      expect(rotated).toMatchObject({ id: created.id, url: rotating.url, enabled: true });
      expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(rotated.secret).not.toBe(created.secret);
      // 24 hours by default, from the API's clock (the test server's here).
      expect(Date.parse(rotated.previousSecretExpiresAt) - now).toBeGreaterThanOrEqual(24 * 3_600_000);
      expect(Date.parse(rotated.previousSecretExpiresAt) - now).toBeLessThan(24 * 3_600_000 + 60_000);
      const read = await request(d.app).get(`/webhooks/${created.id}`).expect(200);
      expect(read.body).not.toHaveProperty('secret');
      expect(read.body.previousSecretExpiresAt).toBe(rotated.previousSecretExpiresAt);

      await d.create({ id: 'wh_rotate_1', customer: newCustomer('wh_rotate_1'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
      const [during] = await eventually(async () => rotating.received, (hooks) => hooks.length === 1, 'invoice.paid during the window');
      const header = during!.headers['webhook-signature'] as string;
      expect(signaturesOf(header)).toHaveLength(2);
      expect(verifyWebhookSignature(rotated.secret, header, during!.rawBody)).toBe(true);
      expect(verifyWebhookSignature(created.secret, header, during!.rawBody)).toBe(true);

      await d.advance(25 * 3_600_000);
      await d.create({ id: 'wh_rotate_2', customer: newCustomer('wh_rotate_2'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
      const after = await eventually(async () => rotating.received, (hooks) => hooks.length === 2, 'invoice.paid after the window');
      const afterHeader = after[1]!.headers['webhook-signature'] as string;
      expect(signaturesOf(afterHeader)).toHaveLength(1);
      expect(verifyWebhookSignature(rotated.secret, afterHeader, after[1]!.rawBody)).toBe(true);
      expect(verifyWebhookSignature(created.secret, afterHeader, after[1]!.rawBody)).toBe(false);
      await request(d.app).delete(`/webhooks/${created.id}`).expect(200);
    } finally {
      await rotating.close();
    }
  });

  test('an overlap of 0 retires the old secret at once; bad overlaps are 400, unknown endpoints 404', async () => {
    const { body: created } = await request(d.app).post('/webhooks').send({ url: 'http://127.0.0.1:9/rotate' }).expect(201);
    const { body: rotated } = await request(d.app).post(`/webhooks/${created.id}/rotate-secret`).send({ overlapHours: 0 }).expect(200);
    expect(rotated.previousSecretExpiresAt).toBeNull();
    expect(await h.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ secret: rotated.secret, previousSecret: null });
    for (const overlapHours of [-1, 169, 1.5, '24']) {
      const res = await request(d.app).post(`/webhooks/${created.id}/rotate-secret`).send({ overlapHours });
      expect([res.status, res.type, res.body.errors?.[0]?.field]).toEqual([400, 'application/problem+json', 'overlapHours']);
    }
    expect((await request(d.app).post('/webhooks/we_000000000000000000000000/rotate-secret')).status).toBe(404);
    await request(d.app).delete(`/webhooks/${created.id}`).expect(200);
  });
});
