import request from 'supertest';
import type { Express } from 'express';
import type { CreatedKey } from '../../api/auth-keys';
import { TokenBuckets } from '../../api/rate-limit';
import { loadConfig } from '../../infra/config';
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

const authorized = (req: request.Test, k: CreatedKey = key) => req.set('authorization', `Bearer ${k.key}`);

describe('request bodies', () => {
  test('a body over 100 kB is a 413 problem and writes nothing', async () => {
    const before = await h.db.prisma.customer.count();
    const res = await authorized(request(app).post('/subscriptions')).send({
      customer: { email: 'big@example.com', name: 'x'.repeat(150_000) },
      plan: 'basic-monthly',
      paymentMethod: 'pm_card_visa',
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, type: '/problems/payload-too-large' });
    expect(await h.db.prisma.customer.count()).toBe(before);
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await authorized(request(app).post('/subscriptions')).set('content-type', 'application/json').send('{"plan": ');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: '(body)', message: 'body is not valid JSON' }]);
  });

  test('JSON in a charset the parser does not speak is a 415 problem, not a 500', async () => {
    const res = await authorized(request(app).post('/subscriptions')).set('content-type', 'application/json; charset=ebcdic').send('{}');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('a body that is not JSON (curl -d sends a form) is a 415 problem, not a command run with its defaults', async () => {
    const before = await h.db.prisma.subscription.count();
    const res = await authorized(request(app).post('/subscriptions')).type('form').send('plan=basic-monthly&paymentMethod=pm_card_visa');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ status: 415, type: '/problems/unsupported-media-type' });
    expect(await h.db.prisma.subscription.count()).toBe(before);
    // No body at all is still fine: commands whose fields all have defaults need none.
    expect((await authorized(request(app).post('/subscriptions/sub_nope/uncancel'))).status).toBe(404);
  });

  test('a path parameter that is not valid percent-encoding is a 400 problem, not a 500', async () => {
    const res = await authorized(request(app).get('/subscriptions/%E0%A4%A'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the token bucket', () => {
  test('lets a full minute of requests through at once, then one more per 60/limit seconds', () => {
    let now = 0;
    const buckets = new TokenBuckets(6, () => now);
    expect(Array.from({ length: 6 }, () => buckets.take('a').allowed)).toEqual(Array(6).fill(true));
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    now += 4_000;
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    now += 6_000;
    expect(buckets.take('a')).toEqual({ allowed: true, remaining: 0 });
    expect(buckets.take('a').allowed).toBe(false);
  });

  test('keeps one bucket per caller, refilled to at most the limit', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, () => now);
    buckets.take('a');
    buckets.take('a');
    expect(buckets.take('a').allowed).toBe(false);
    expect(buckets.take('b')).toEqual({ allowed: true, remaining: 1 });
    now += 3_600_000;
    expect(buckets.take('a')).toEqual({ allowed: true, remaining: 1 });
  });
});

describe('the per-key rate limit', () => {
  test('over the limit, a key gets 429 problems with Retry-After; another key is unaffected', async () => {
    const limited = rawTestApp(h, { rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await authorized(request(limited).get('/plans'))).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await authorized(request(limited).get('/plans'));
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('20');
    expect(refused.body).toMatchObject({ status: 429, type: '/problems/too-many-requests', retryAfterSeconds: 20 });

    const other = await createTestApiKey(h, ['read'], 'another client');
    expect((await authorized(request(limited).get('/plans'), other)).status).toBe(200);
  });

  test('a refused POST runs nothing and keeps no idempotency record', async () => {
    const limited = rawTestApp(h, { rateLimitPerMinute: 1 });
    const busy = await createTestApiKey(h, ['write'], 'busy client');
    expect((await authorized(request(limited).get('/plans'), busy)).status).toBe(200);
    const before = await h.db.prisma.subscription.count();
    const res = await authorized(request(limited).post('/subscriptions'), busy)
      .set('idempotency-key', 'limited-1')
      .send({ customer: { email: 'limited@example.com' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    expect(res.status).toBe(429);
    expect(await h.db.prisma.subscription.count()).toBe(before);
    expect(await h.db.prisma.idempotencyRecord.count({ where: { key: 'limited-1' } })).toBe(0);
  });

  test('health probes are never throttled', async () => {
    const limited = rawTestApp(h, { rateLimitPerMinute: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(limited).get('/healthz')).status);
    expect(statuses).toEqual([200, 200, 200]);
  });

  test('RATE_LIMIT_PER_MINUTE defaults to 600 and must be a positive whole number', () => {
    const env = { DATABASE_URL: 'postgresql://localhost/x' };
    expect(loadConfig(env).RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '120' }).RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(() => loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
