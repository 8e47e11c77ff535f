import request from 'supertest';
import type { Express } from 'express';
import type { CreatedKey } from '../../api/auth-keys';
import { isDatabaseUnavailable } from '../../api/database-unavailable';
import { startTcpProxy, type TcpProxy } from '../../bench/chaos/support/tcp-proxy';
import { createPrismaClient, type PrismaClient } from '../../infra/database';
import { Prisma } from '../../prisma/generated/client';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, startHarness } from '../support/harness';

// The API reaches its database through a proxy the test can switch off, as a database that went
// down (connections cut, new ones refused).
let h: Harness;
let proxy: TcpProxy;
let prisma: PrismaClient;
let app: Express;
let key: CreatedKey;
beforeAll(async () => {
  h = await startHarness();
  const url = new URL(h.db.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  url.port = String(proxy.port);
  prisma = createPrismaClient(url.toString());
  // Outages are reported as errors in production; here they are the expected answer.
  app = rawTestApp(h, { prisma, onUnexpectedError: () => undefined });
  key = await createTestApiKey(h, ['write']);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await proxy?.close();
  await h?.teardown();
});
afterEach(async () => {
  await proxy.up();
});

const as = (req: request.Test, k: CreatedKey = key) => req.set('authorization', `Bearer ${k.key}`);
const body = (id: string) => ({ id, customer: { email: `${id}@example.com` }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });

test('a write while the database is down is a 503 problem with Retry-After, and succeeds once it is back', async () => {
  // A request first, so the pool holds connections that the outage then cuts.
  expect((await as(request(app).get('/plans'))).status).toBe(200);
  await proxy.down();

  const refused = await as(request(app).post('/subscriptions')).send(body('sub_outage_1'));
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(refused.body).toMatchObject({ type: '/problems/service-unavailable', detail: 'the database is unavailable, retry later' });

  await proxy.up();
  const retried = await as(request(app).post('/subscriptions')).send(body('sub_outage_1'));
  expect(retried.status).toBe(201);
  expect(await h.db.prisma.subscription.count({ where: { id: 'sub_outage_1' } })).toBe(1);
});

test('during the outage, a read served by Temporal still answers for a key verified before it', async () => {
  expect((await as(request(app).post('/subscriptions')).send(body('sub_outage_2'))).status).toBe(201);
  await proxy.down();

  const read = await as(request(app).get('/subscriptions/sub_outage_2'));
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id: 'sub_outage_2', status: 'active' });
  // The catalogue lives in the database: that read cannot be served.
  const plans = await as(request(app).get('/plans'));
  expect(plans.status).toBe(503);
  expect(plans.headers['retry-after']).toBe('5');
});

test('during the outage, a key never verified before is not accepted blindly', async () => {
  const unseen = await createTestApiKey(h, ['read'], 'unseen before the outage');
  await proxy.down();
  const res = await as(request(app).get('/subscriptions/sub_outage_2'), unseen);
  expect(res.status).toBe(503);
});

describe('isDatabaseUnavailable', () => {
  const known = (code: string) => new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: 'test' });

  test.each(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037'])('Prisma %s (unreachable, closed, timed out, pool full) is an outage', (code) => {
    expect(isDatabaseUnavailable(known(code))).toBe(true);
  });

  test('a connection node-postgres lost mid-query, and PostgreSQL shutting down or starting up, are outages', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('Connection terminated unexpectedly'), { clientVersion: 'test' }))).toBe(true);
    expect(isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } })).toBe(true);
    expect(isDatabaseUnavailable({ cause: { kind: 'postgres', code: '57P03' } })).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  test('constraint violations, other query errors and plain bugs are not', () => {
    expect(isDatabaseUnavailable(known('P2002'))).toBe(false);
    expect(isDatabaseUnavailable(known('P2025'))).toBe(false);
    expect(isDatabaseUnavailable({ cause: { kind: 'postgres', code: '23505' } })).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
