// API keys and the catalogue from memory (api/read-cache.ts): kept until PostgreSQL announces a
// change to their table, whoever made it, and not kept at all while the API is not listening.
import type { Express } from 'express';
import request from 'supertest';
import { APPLICATION_NAME, ReadCache } from '../../api/read-cache';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, startHarness } from '../support/harness';

let h: Harness;
let cache: ReadCache;
let app: Express;
beforeAll(async () => {
  h = await startHarness();
  cache = await ReadCache.listen(h.db.url);
  app = rawTestApp(h, { readCache: cache });
});
afterAll(async () => {
  await cache?.close();
  await h?.teardown();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A change the triggers do not see (replication role): only a cached row can still hide it. */
async function unannounced(sql: string, ...values: unknown[]): Promise<void> {
  await h.db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET LOCAL session_replication_role = replica');
    await tx.$executeRawUnsafe(sql, ...values);
  });
}

/**
 * Returns once every change made so far has been heard: announcements arrive in commit order, and
 * a statement-level trigger announces even an update of no row.
 */
async function heardSoFar(): Promise<void> {
  const heard = cache.changed('Product');
  await h.db.prisma.$executeRaw`UPDATE "Product" SET "code" = "code" WHERE false`;
  await heard;
}

test('a key is read once; revoked by hand in SQL, it is refused as soon as the change is announced', async () => {
  const key = await createTestApiKey(h, ['read'], 'cached');
  // The first use writes lastUsedAt, a change to the table like any other.
  expect((await request(app).get('/plans').set(bearer(key.key))).status).toBe(200);
  await heardSoFar();
  expect((await request(app).get('/plans').set(bearer(key.key))).status).toBe(200);
  // Proof that the row came from memory: a revocation nobody announced is not seen.
  await unannounced('UPDATE "ApiKey" SET "revokedAt" = now() WHERE "id" = $1', key.id);
  expect((await request(app).get('/plans').set(bearer(key.key))).status).toBe(200);

  const announced = cache.changed('ApiKey');
  await h.db.prisma.$executeRaw`UPDATE "ApiKey" SET "name" = 'renamed by hand' WHERE "id" = ${key.id}`;
  await announced;
  const res = await request(app).get('/plans').set(bearer(key.key));
  expect([res.status, res.body.detail]).toEqual([401, 'the API key is not valid or has been revoked']);
});

test("this process's own change is forgotten before its answer leaves, without waiting for the announcement", async () => {
  const admin = await createTestApiKey(h, ['admin'], 'own changes');
  const reader = await createTestApiKey(h, ['read'], 'own changes reader');
  // First uses write lastUsedAt; once those are heard, both keys are read from memory.
  expect((await request(app).get('/plans').set(bearer(admin.key))).status).toBe(200);
  expect((await request(app).get('/plans').set(bearer(reader.key))).status).toBe(200);
  await heardSoFar();
  expect((await request(app).get('/plans').set(bearer(reader.key))).status).toBe(200);
  await unannounced('UPDATE "ApiKey" SET "revokedAt" = now() WHERE "id" = $1', reader.id);
  expect((await request(app).get('/plans').set(bearer(reader.key))).status).toBe(200);
  // Any change request through this process: its answer comes after the cache was emptied.
  expect((await request(app).patch('/plans/pro-monthly').set(bearer(admin.key)).send({ name: 'Pro monthly' })).status).toBe(200);
  expect((await request(app).get('/plans').set(bearer(reader.key))).status).toBe(401);
});

test('a plan list is cached per query and emptied by an edit through the API or by hand', async () => {
  const admin = await createTestApiKey(h, ['admin'], 'catalogue editor');
  const names = async (query = '') => {
    const res = await request(app).get(`/plans${query}`).set(bearer(admin.key));
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.data as Array<{ code: string; name: string }>).map((plan) => [plan.code, plan.name]));
  };
  // The key's first use writes lastUsedAt, and the previous test's edit may still be on its way:
  // once both are heard, nothing in flight can keep the next read from being stored.
  await names();
  await heardSoFar();
  const before = await names();
  await unannounced(`UPDATE "Plan" SET "name" = 'Unannounced' WHERE "code" = 'pro-monthly'`);
  expect((await names())['pro-monthly']).toBe(before['pro-monthly']);
  // Another query is another entry: read now, it shows the row as it is.
  expect((await names('?limit=50'))['pro-monthly']).toBe('Unannounced');

  let announced = cache.changed('Plan');
  expect((await request(app).patch('/plans/pro-monthly').set(bearer(admin.key)).send({ name: 'Pro (edited)' })).status).toBe(200);
  await announced;
  expect((await names())['pro-monthly']).toBe('Pro (edited)');
  expect((await request(app).get('/plans/pro-monthly').set(bearer(admin.key))).body.name).toBe('Pro (edited)');

  announced = cache.changed('Plan');
  await h.db.prisma.$executeRaw`UPDATE "Plan" SET "name" = ${before['pro-monthly']} WHERE "code" = 'pro-monthly'`;
  await announced;
  expect((await names())['pro-monthly']).toBe(before['pro-monthly']);
  expect((await request(app).get('/plans/pro-monthly').set(bearer(admin.key))).body.name).toBe(before['pro-monthly']);
});

test('while its connection is down nothing is cached, and it listens again once the database lets it', async () => {
  const key = await createTestApiKey(h, ['read'], 'while deaf');
  expect((await request(app).get('/plans').set(bearer(key.key))).status).toBe(200);
  await h.db.prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${APPLICATION_NAME} AND datname = current_database()`;
  await eventually(async () => cache.listening, (listening) => !listening, 'the cache to notice its connection is gone');
  await unannounced('UPDATE "ApiKey" SET "revokedAt" = now() WHERE "id" = $1', key.id);
  expect((await request(app).get('/plans').set(bearer(key.key))).status).toBe(401);

  await eventually(async () => cache.listening, (listening) => listening, 'the cache to listen again');
  const other = await createTestApiKey(h, ['read'], 'after the outage');
  expect((await request(app).get('/plans').set(bearer(other.key))).status).toBe(200);
});

test('a cache that never listened reads the database every time', async () => {
  const deaf = await ReadCache.listen('postgresql://nobody@127.0.0.1:1/none');
  try {
    expect(deaf.listening).toBe(false);
    const key = await createTestApiKey(h, ['read'], 'deaf cache');
    const deafApp = rawTestApp(h, { readCache: deaf });
    expect((await request(deafApp).get('/plans').set(bearer(key.key))).status).toBe(200);
    await unannounced('UPDATE "ApiKey" SET "revokedAt" = now() WHERE "id" = $1', key.id);
    expect((await request(deafApp).get('/plans').set(bearer(key.key))).status).toBe(401);
  } finally {
    await deaf.close();
  }
});
