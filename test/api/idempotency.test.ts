import request from 'supertest';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { CreatedKey } from '../../api/auth-keys';
import { IDEMPOTENCY_TTL_MS } from '../../api/idempotency';
import { canonicalJson, requestHash } from '../../api/idempotency-request';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, startHarness } from '../support/harness';

let h: Harness;
let app: Express;
let key: CreatedKey;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  key = await createTestApiKey(h, ['write']);
});
afterAll(async () => {
  await h?.teardown();
});

// No `id`: without Idempotency-Key every such request would create another subscription.
const subscriptionFor = (email: string, plan = 'basic-monthly') => ({ customer: { email }, plan, paymentMethod: 'pm_card_visa' });
const post = (path: string, idempotencyKey: string, body: object, on: Express = app) =>
  request(on).post(path).set('authorization', `Bearer ${key.key}`).set('idempotency-key', idempotencyKey).send(body);
const subscriptionsOf = (email: string) => h.db.prisma.subscription.count({ where: { customer: { email } } });

describe('a repeated POST with the same Idempotency-Key', () => {
  test('replays the first answer (status and body) with Idempotent-Replayed, and has one effect', async () => {
    const body = subscriptionFor('replay@example.com');
    const first = await post('/subscriptions', 'replay-1', body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/subscriptions', 'replay-1', body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await subscriptionsOf('replay@example.com')).toBe(1);
  });

  test('is the same request whatever the order of the JSON keys', async () => {
    const body = subscriptionFor('order@example.com');
    expect((await post('/subscriptions', 'order-1', body)).status).toBe(201);
    const reordered = { paymentMethod: body.paymentMethod, plan: body.plan, customer: body.customer };
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));
    const again = await post('/subscriptions', 'order-1', reordered);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await subscriptionsOf('order@example.com')).toBe(1);
  });

  test('with a different body is a 422 problem and runs nothing', async () => {
    expect((await post('/subscriptions', 'reuse-1', subscriptionFor('reuse@example.com'))).status).toBe(201);
    const res = await post('/subscriptions', 'reuse-1', subscriptionFor('reuse@example.com', 'pro-monthly'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 422, type: '/problems/idempotency-key-reused' });
    expect(await subscriptionsOf('reuse@example.com')).toBe(1);
  });

  test('on a different path is a 422 problem', async () => {
    const res = await post('/subscriptions/sub_nope/cancel', 'reuse-1', subscriptionFor('reuse@example.com'));
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('POST /subscriptions');
  });

  test('while the first is still running is a 409 problem', async () => {
    // The row a first request leaves while it runs: no response yet.
    await h.db.prisma.idempotencyRecord.create({
      data: {
        scope: key.id,
        key: 'running-1',
        method: 'POST',
        path: '/subscriptions',
        requestHash: requestHash('POST', '/subscriptions', {}, { a: 1 }),
        expiresAt: new Date((await h.env.currentTimeMs()) + IDEMPOTENCY_TTL_MS),
      },
    });
    const res = await post('/subscriptions', 'running-1', { a: 1 });
    expect(res.status).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 409, detail: 'a request with this Idempotency-Key is in progress' });
  });

  test('left without an answer for over 5 minutes (its API process died) no longer holds the key: the retry runs', async () => {
    const body = subscriptionFor('abandoned@example.com');
    const now = await h.env.currentTimeMs();
    // The record a request leaves while it runs, started `minutesAgo`.
    const record = (idempotencyKey: string, minutesAgo: number) => ({
      scope: key.id,
      key: idempotencyKey,
      method: 'POST',
      path: '/subscriptions',
      requestHash: requestHash('POST', '/subscriptions', {}, body),
      expiresAt: new Date(now - minutesAgo * 60_000 + IDEMPOTENCY_TTL_MS),
    });
    await h.db.prisma.idempotencyRecord.createMany({ data: [record('crashed-1', 6), record('slow-1', 4)] });
    const retried = await post('/subscriptions', 'crashed-1', body);
    expect(retried.status).toBe(201);
    expect(await subscriptionsOf('abandoned@example.com')).toBe(1);
    expect((await post('/subscriptions', 'crashed-1', body)).headers['idempotent-replayed']).toBe('true');
    expect((await post('/subscriptions', 'slow-1', body)).status).toBe(409);
  });
});

test('N identical POST /subscriptions fired at once: one workflow, one subscription row, identical answers', async () => {
  const body = subscriptionFor('race@example.com');
  const N = 8;
  const racers = await Promise.all(Array.from({ length: N }, () => post('/subscriptions', 'race-1', body)));
  const ran = racers.filter((res) => res.status === 201 && res.headers['idempotent-replayed'] === undefined);
  expect(ran).toHaveLength(1);
  // The first one takes a workflow start and a charge: the others meet it running.
  expect(racers.filter((res) => res.status === 409).length).toBeGreaterThan(0);
  for (const res of racers.filter((r) => r !== ran[0])) {
    if (res.status === 409) expect(res.body.detail).toBe('a request with this Idempotency-Key is in progress');
    else expect({ status: res.status, replayed: res.headers['idempotent-replayed'], body: res.body }).toEqual({ status: 201, replayed: 'true', body: ran[0]!.body });
  }
  // Every racer that was told to wait gets the one answer when it retries.
  const retries = await Promise.all(Array.from({ length: N }, () => post('/subscriptions', 'race-1', body)));
  expect(retries.map((res) => [res.status, res.headers['idempotent-replayed']])).toEqual(Array(N).fill([201, 'true']));
  for (const res of retries) expect(res.body).toEqual(ran[0]!.body);

  const rows = await h.db.prisma.subscription.findMany({ where: { customer: { email: 'race@example.com' } } });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.workflowId).toBe(ran[0]!.body.workflowId);
  const description = await h.env.client.workflow.getHandle(rows[0]!.workflowId).describe();
  expect(description.status.name).toBe('RUNNING');
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: `INV-${rows[0]!.id}-` } } })).toBe(1);
});

describe('answers that are not kept', () => {
  test('a rejected request (400) keeps no record: the corrected request runs under the same key', async () => {
    const bad = await post('/subscriptions', 'fix-1', { ...subscriptionFor('fix@example.com'), plan: 'no-such-plan' });
    expect(bad.status).toBe(400);
    expect(await h.db.prisma.idempotencyRecord.count({ where: { key: 'fix-1' } })).toBe(0);
    const fixed = await post('/subscriptions', 'fix-1', subscriptionFor('fix@example.com'));
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  test('a 5xx keeps no record: the retry runs again', async () => {
    const failures: unknown[] = [];
    const temporalDown = { workflow: { executeUpdateWithStart: () => Promise.reject(new Error('Temporal is down')) } } as unknown as Client;
    const broken = rawTestApp(h, { temporal: temporalDown, onUnexpectedError: (error) => failures.push(error) });
    const body = subscriptionFor('retry@example.com');
    expect((await post('/subscriptions', 'retry-1', body, broken)).status).toBe(500);
    expect(failures).toHaveLength(1);
    expect(await h.db.prisma.idempotencyRecord.count({ where: { key: 'retry-1' } })).toBe(0);
    const retried = await post('/subscriptions', 'retry-1', body);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('expiry', () => {
  test('a record past its 24 hours counts as absent: the request runs again', async () => {
    const body = subscriptionFor('expired@example.com');
    const first = await post('/subscriptions', 'expire-1', body);
    const row = await h.db.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope: key.id, key: 'expire-1' } } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(23.9 * 3_600_000);
    await h.db.prisma.idempotencyRecord.update({ where: { scope_key: { scope: key.id, key: 'expire-1' } }, data: { expiresAt: new Date(0) } });
    // Same customer and plan, but no subscription id: running again makes a second subscription.
    const again = await post('/subscriptions', 'expire-1', body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
  });

  test('expired records are purged by later requests', async () => {
    await h.db.prisma.idempotencyRecord.create({
      data: { scope: key.id, key: 'stale-1', method: 'POST', path: '/x', requestHash: 'x', responseStatus: 200, responseBody: {}, expiresAt: new Date(0) },
    });
    await post('/subscriptions/sub_nope/uncancel', 'purge-trigger', {}, rawTestApp(h));
    expect(await h.db.prisma.idempotencyRecord.count({ where: { key: 'stale-1' } })).toBe(0);
  });
});

describe('the header itself', () => {
  test.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['with spaces', 'two words'],
  ])('an Idempotency-Key %s is a 400 problem', async (_what, value) => {
    const res = await post('/subscriptions', value, subscriptionFor('header@example.com'));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await subscriptionsOf('header@example.com')).toBe(0);
  });

  test('GET ignores it', async () => {
    const res = await request(app).get('/plans').set('authorization', `Bearer ${key.key}`).set('idempotency-key', 'k'.repeat(300));
    expect(res.status).toBe(200);
  });

  test('keys are per API key: another key with the same Idempotency-Key runs its own request', async () => {
    const other = await createTestApiKey(h, ['write'], 'other client');
    const body = subscriptionFor('perkey@example.com');
    expect((await post('/subscriptions', 'shared-1', body)).status).toBe(201);
    const res = await request(app).post('/subscriptions').set('authorization', `Bearer ${other.key}`).set('idempotency-key', 'shared-1').send(body);
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await subscriptionsOf('perkey@example.com')).toBe(2);
  });
});

test('canonical JSON sorts keys at every depth and keeps array order', () => {
  expect(canonicalJson({ b: [{ y: 1, x: 2 }, 3], a: null, c: undefined })).toBe('{"a":null,"b":[{"x":2,"y":1},3]}');
});
