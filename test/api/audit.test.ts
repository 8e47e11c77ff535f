// The audit log: an entry for every change by a known caller (refused ones included) with the
// update id the command was sent with, read back with filters and pages, and kept append-only by
// the database itself.
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { commandIdFor } from '../../api/idempotency';
import { requestHash } from '../../api/idempotency-request';
import { createLogger } from '../../infra/logger';
import type { Prisma } from '../../prisma/generated/client';
import { environmentApiDeps } from '../../simulator/environment';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, settled, startHarness } from '../support/harness';
import { newCustomer } from '../support/lifecycle';

let h: Harness;
let app: Express;
let admin: { id: string; prefix: string };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  const row = await h.db.prisma.apiKey.findFirstOrThrow({ where: { name: 'test environment' } });
  admin = { id: row.id, prefix: row.prefix };
});
afterAll(async () => {
  await h?.teardown();
});

type Entry = Record<string, unknown>;

/** Entries are written after the answer: waits until `count` of them match `where`. */
function entries(where: Prisma.AuditEventWhereInput, count: number) {
  return eventually(
    () => h.db.prisma.auditEvent.findMany({ where, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    (rows) => rows.length >= count,
    `${count} audit events`,
  );
}

describe('every change is recorded', () => {
  const SUB = 'aud_commands';
  /** Sent with the admin key and an Idempotency-Key, after the workflow went quiet. */
  async function command(method: 'post' | 'delete', path: string, body: Record<string, unknown> | undefined, key: string) {
    await settled(h, `subscription-${SUB}`);
    const call = request(app)[method](path).set(bearer(h.adminKey)).set('idempotency-key', key);
    const res = body === undefined ? await call : await call.send(body);
    return { method: method.toUpperCase(), path, status: res.status, key, body };
  }

  test('commands of each kind, refused ones with their 4xx, under the key that sent them, with their update ids', async () => {
    const created = await request(app)
      .post('/subscriptions')
      .set(bearer(h.adminKey))
      .send({ id: SUB, customer: newCustomer(SUB), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    expect(created.status).toBe(201);
    const sent = [
      await command('post', `/subscriptions/${SUB}/add-ons`, { code: 'extra-seat', quantity: 2 }, 'k-addon'),
      await command('post', `/subscriptions/${SUB}/coupon`, { code: 'WELCOME20' }, 'k-coupon'),
      await command('post', `/subscriptions/${SUB}/plan`, { plan: 'business-monthly' }, 'k-plan'),
      await command('post', `/subscriptions/${SUB}/resume`, {}, 'k-resume-refused'),
      await command('post', `/subscriptions/${SUB}/pause`, { when: 'now' }, 'k-pause'),
      await command('post', `/subscriptions/${SUB}/resume`, {}, 'k-resume'),
      await command('delete', `/subscriptions/${SUB}/coupon`, undefined, 'k-uncoupon'),
      await command('post', `/subscriptions/${SUB}/cancel`, { when: 'now' }, 'k-cancel'),
    ];
    expect(sent.map((c) => c.status)).toEqual([200, 200, 200, 409, 200, 200, 200, 200]);
    const invalid = await request(app).post(`/subscriptions/${SUB}/cancel`).set(bearer(h.adminKey)).send({ when: 'tomorrow' });
    const reader = await createTestApiKey(h, ['read']);
    const forbidden = await request(app).post(`/subscriptions/${SUB}/cancel`).set(bearer(reader.key)).send({});
    expect([invalid.status, forbidden.status]).toEqual([400, 403]);

    const rows = await entries({ subscriptionId: SUB }, sent.length + 3);
    const seen = rows.map((row) => [row.actorType, row.actor, row.method, row.path, row.outcome, row.updateId]);
    // Idempotency-Key applies to POSTs only: the DELETE was sent without an update id of ours.
    const updateId = (c: (typeof sent)[number]) => commandIdFor(admin.id, c.key, requestHash(c.method, c.path, {}, c.body));
    expect(seen).toEqual([
      ['api_key', admin.prefix, 'POST', '/subscriptions', 201, null],
      ...sent.map((c) => ['api_key', admin.prefix, c.method, c.path, c.status, c.method === 'DELETE' ? null : updateId(c)]),
      ['api_key', admin.prefix, 'POST', `/subscriptions/${SUB}/cancel`, 400, null],
      ['api_key', reader.prefix, 'POST', `/subscriptions/${SUB}/cancel`, 403, null],
    ]);
    expect(new Set(rows.map((row) => row.requestId)).size).toBe(rows.length);
    expect(rows[0]!.ip).toEqual(expect.any(String));

    // Ops: "who cancelled this subscription?"
    const log = await request(app).get('/audit-events').set(bearer(h.adminKey)).query({ subscriptionId: SUB });
    const cancelled = (log.body.data as Entry[]).find((entry) => entry.path === `/subscriptions/${SUB}/cancel` && entry.outcome === 200);
    expect(cancelled).toMatchObject({ actorType: 'api_key', actor: admin.prefix, updateId: updateId(sent[7]!) });
  });

  test('a customer link refused for a forged token is recorded under the customer, without the token', async () => {
    const path = `/subscriptions/${SUB}/offers/OFR-${SUB}-0001/accept`;
    const res = await request(app).post(path).query({ token: '99999999999999.forged' });
    expect(res.status).toBe(403);
    const { customerId } = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: SUB } });
    const [entry] = await entries({ actorType: 'customer', subscriptionId: SUB }, 1);
    expect(entry).toMatchObject({ actor: customerId, method: 'POST', path, outcome: 403, updateId: null, requestId: res.headers['x-request-id'] });
  });

  test('key management and refusals of the authentication itself (a revoked key) are recorded; an unknown key is not', async () => {
    const created = await request(app).post('/api-keys').set(bearer(h.adminKey)).send({ name: 'audited', scopes: ['write'] });
    await request(app).delete(`/api-keys/${created.body.id as string}`).set(bearer(h.adminKey));
    const refused = await request(app).post('/subscriptions').set(bearer(created.body.key as string)).send({});
    const unknown = await request(app).post('/subscriptions').set(bearer(`sek_${'0'.repeat(12)}_${'A'.repeat(43)}`)).send({});
    expect([refused.status, unknown.status]).toEqual([401, 401]);

    const managed = await entries({ path: { startsWith: '/api-keys' } }, 2);
    expect(managed.map((row) => [row.actor, row.method, row.path, row.outcome])).toEqual([
      [admin.prefix, 'POST', '/api-keys', 201],
      [admin.prefix, 'DELETE', `/api-keys/${created.body.id as string}`, 200],
    ]);
    const byRevoked = await entries({ actor: created.body.prefix as string }, 1);
    expect(byRevoked.map((row) => [row.method, row.path, row.outcome])).toEqual([['POST', '/subscriptions', 401]]);
    expect(await h.db.prisma.auditEvent.count({ where: { actor: '0'.repeat(12) } })).toBe(0);
  });

  test('a failed audit write is logged as an error, and the answer is still the one the request earned', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ service: 'api', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const failing = new Proxy(h.db.prisma, {
      get(target, property, receiver) {
        if (property === 'auditEvent') return { create: () => Promise.reject(new Error('audit table unavailable')) };
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const failingApp = createApp({ ...environmentApiDeps(h), prisma: failing }, { logger });
    const res = await request(failingApp).post('/webhooks').set(bearer(h.adminKey)).send({ url: 'http://127.0.0.1:9/hook' });
    expect(res.status).toBe(201);
    const logged = await eventually(async () => lines.filter((line) => line.msg === 'audit event not recorded'), (found) => found.length === 1, 'the error line');
    expect(logged[0]).toMatchObject({ level: 'error', requestId: res.headers['x-request-id'], method: 'POST', status: 201, err: { message: 'audit table unavailable' } });
  });
});

describe('GET /audit-events', () => {
  let now: Date;
  let clocked: Express;
  let key: string;
  let prefix: string;
  const T0 = Date.parse('2032-06-01T00:00:00.000Z');

  beforeAll(async () => {
    now = new Date(T0);
    clocked = rawTestApp(h, { clock: async () => now });
    ({ key, prefix } = await createTestApiKey(h, ['admin'], 'paged'));
    for (let minute = 0; minute < 5; minute += 1) {
      now = new Date(T0 + minute * 60_000);
      expect((await request(clocked).post('/webhooks').set(bearer(key)).send({ url: `http://127.0.0.1:9/m${minute}` })).status).toBe(201);
      await entries({ actor: prefix }, minute + 1);
    }
  });

  const read = (query: Record<string, string | number>) => request(clocked).get('/audit-events').set(bearer(key)).query(query);

  test('filters by actor and by time, newest first', async () => {
    const all = await read({ actor: prefix });
    expect((all.body.data as Entry[]).map((entry) => entry.at)).toEqual([4, 3, 2, 1, 0].map((m) => new Date(T0 + m * 60_000).toISOString()));
    const window = await read({ actor: prefix, from: new Date(T0 + 60_000).toISOString(), to: new Date(T0 + 3 * 60_000).toISOString() });
    expect((window.body.data as Entry[]).map((entry) => entry.at)).toEqual([2, 1].map((m) => new Date(T0 + m * 60_000).toISOString()));
    const other = await read({ actor: admin.prefix, from: new Date(T0).toISOString() });
    expect(other.body.data).toEqual([]);
  });

  test('pages with nextCursor, each entry once, in the same order as one page', async () => {
    const whole = (await read({ actor: prefix, limit: 100 })).body.data as Entry[];
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await read({ actor: prefix, limit: 2, ...(cursor ? { cursor } : {}) });
      expect((res.body.data as Entry[]).length).toBeLessThanOrEqual(2);
      paged.push(...(res.body.data as Entry[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect(whole).toHaveLength(5);
    expect((await read({ cursor: 'not-a-cursor' })).status).toBe(400);
  });

  test('the database refuses to change or erase entries', async () => {
    const { prisma } = h.db;
    const before = await prisma.auditEvent.count();
    await expect(prisma.auditEvent.updateMany({ data: { outcome: 200 } })).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only: DELETE refused/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await prisma.auditEvent.count()).toBe(before);
  });
});
