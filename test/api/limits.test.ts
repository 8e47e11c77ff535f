import request from 'supertest';
import type { Express } from 'express';
import pg from 'pg';
import pino from 'pino';
import { generateKey, type CreatedKey } from '../../api/auth-keys';
import { createApp } from '../../api/app';
import { countedAddress } from '../../api/client-address';
import { BREAK_MS, type Queryable } from '../../api/throttle-store';
import { createThrottlePool, createThrottles, type ThrottleLimits } from '../../api/throttles';
import { loadConfig } from '../../infra/config';
import { freePort } from '../../infra/ports';
import type { TrustProxy } from '../../infra/trust-proxy';
import { environmentApiDeps } from '../../simulator/environment';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, startHarness } from '../support/harness';

let h: Harness;
let app: Express;
let key: CreatedKey;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  key = await createTestApiKey(h, ['write']);
});
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
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

const GENEROUS: ThrottleLimits = { perAddressPerMinute: 1000, perKeyPerMinute: 1000, failedAuthLimit: 1000, failedAuthWindowSeconds: 900 };

interface Throttled {
  app: Express;
  /** The JSON log lines the app wrote. */
  logs: Array<Record<string, unknown>>;
  storeDown: jest.Mock;
  /** Queries the throttles sent to the database. */
  queries: () => number;
}

/**
 * An API process with throttling on: its own pool on the harness database (as a second process
 * would have), X-Forwarded-For trusted from loopback so each test counts under its own address.
 */
function throttledApp(limits: Partial<ThrottleLimits>, options: { databaseUrl?: string; trustProxy?: TrustProxy; now?: () => number } = {}): Throttled {
  const pool = createThrottlePool(options.databaseUrl ?? h.db.url, () => undefined);
  pools.push(pool);
  let queries = 0;
  const counted: Queryable = {
    query: (config) => {
      queries += 1;
      return pool.query(config);
    },
  };
  const storeDown = jest.fn();
  const throttles = createThrottles(counted, { ...GENEROUS, ...limits }, { onStoreDown: storeDown, ...(options.now ? { now: options.now } : {}) });
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const app = createApp({ ...environmentApiDeps(h), throttles, trustProxy: options.trustProxy ?? ['loopback'] }, { logger });
  return { app, logs, storeDown, queries: () => queries };
}

let lastAddress = 0;
/** A client address no other test counts under. */
const newAddress = () => `203.0.113.${(lastAddress += 1)}`;
const from = (req: request.Test, address: string) => req.set('x-forwarded-for', address);
/** A well-formed key that is in no database. */
const unknownKey = () => generateKey().key;
const failedAuthLines = (logs: Throttled['logs']) => logs.filter((line) => line.event === 'auth.failed');

describe('before authentication, per client address', () => {
  test('a flood of bad keys gets 429 problems with Retry-After; refused requests never reach authentication', async () => {
    const { app: limited, logs } = throttledApp({ perAddressPerMinute: 3 });
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await from(request(limited).get('/plans').set('authorization', `Bearer ${unknownKey()}`), address)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // Only the three that got through were authenticated (and failed).
    expect(failedAuthLines(logs)).toHaveLength(3);

    const refused = await from(request(limited).get('/plans').set('authorization', `Bearer ${unknownKey()}`), address);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ status: 429, type: '/problems/too-many-requests', retryAfterSeconds: Number(refused.headers['retry-after']) });
    // A good key from the same address is refused too: the address is what is counted.
    expect((await from(authorized(request(limited).get('/plans')), address)).status).toBe(429);
    // Another address is not.
    expect((await from(authorized(request(limited).get('/plans')), newAddress())).status).toBe(200);
  });

  test('health probes are never throttled', async () => {
    const { app: limited } = throttledApp({ perAddressPerMinute: 1, perKeyPerMinute: 1 });
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await from(request(limited).get('/healthz'), address)).status);
    expect(statuses).toEqual([200, 200, 200]);
  });

  test('without TRUST_PROXY, X-Forwarded-For is ignored: a client cannot pick a fresh address per request', async () => {
    const { app: direct } = throttledApp({ perAddressPerMinute: 2 }, { trustProxy: false });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await from(authorized(request(direct).get('/plans')), newAddress())).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  test('IPv6 clients are counted per /64 network; IPv4-mapped addresses as IPv4', () => {
    expect(countedAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(countedAddress('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(countedAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(countedAddress('::1')).toBe('0:0:0:0::/64');
    expect(countedAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(countedAddress('192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('failed authentication', () => {
  /** `k`'s prefix with a secret that is not its own: a guess at an existing key. */
  const wrongSecretFor = (k: CreatedKey) => `sek_${k.prefix}_${generateKey().key.replace(/^sek_[0-9a-f]{12}_/, '')}`;

  test('a wrong secret for an existing key is logged and counted: at the budget that key gets 429 from that address, even with its right secret, until the window passes', async () => {
    const { app: limited, logs } = throttledApp({ failedAuthLimit: 3, failedAuthWindowSeconds: 900 });
    const address = newAddress();
    const guess = wrongSecretFor(key);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await from(request(limited).get('/plans').set('authorization', `Bearer ${guess}`), address)).status);
    expect(statuses).toEqual([401, 401, 401]);

    const lines = failedAuthLines(logs);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 40, address, keyPrefix: key.prefix, wrongSecret: true, method: 'GET', path: '/plans' });
    expect(JSON.stringify(logs)).not.toContain(guess);

    const blocked = await from(authorized(request(limited).get('/plans')), address);
    expect(blocked.status).toBe(429);
    expect(blocked.body.detail).toMatch(new RegExp(`3 wrong secrets for API key ${key.prefix} from this address`));
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(890);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    // The budget is this key's from this address: the key from elsewhere, and another key from here, work.
    expect((await from(authorized(request(limited).get('/plans')), newAddress())).status).toBe(200);
    const other = await createTestApiKey(h, ['read']);
    expect((await from(authorized(request(limited).get('/plans'), other), address)).status).toBe(200);

    // The store's windows are kept in epoch milliseconds: move "now" past this one.
    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 901_000);
    try {
      expect((await from(authorized(request(limited).get('/plans')), address)).status).toBe(200);
    } finally {
      later.mockRestore();
    }
  });

  test('no key, a malformed key or a key no one holds is 401 every time and counted nowhere: it cannot succeed, and good keys from the same address keep working', async () => {
    const { app: limited, logs } = throttledApp({ failedAuthLimit: 2, failedAuthWindowSeconds: 900 });
    const address = newAddress();
    const stranger = unknownKey();
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await from(request(limited).get('/plans'), address)).status);
      statuses.push((await from(request(limited).get('/plans').set('authorization', 'Bearer not-a-key'), address)).status);
      statuses.push((await from(request(limited).get('/plans').set('authorization', `Bearer ${stranger}`), address)).status);
    }
    expect(statuses).toEqual(Array(9).fill(401));
    expect(failedAuthLines(logs)).toHaveLength(9);
    expect(failedAuthLines(logs).every((line) => line.wrongSecret === false)).toBe(true);
    expect((await from(authorized(request(limited).get('/plans')), address)).status).toBe(200);
  });

  test('without throttling, failed authentications are still logged', async () => {
    const logs: Throttled['logs'] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
    const open = createApp(environmentApiDeps(h), { logger });
    expect((await request(open).get('/plans')).status).toBe(401);
    expect(failedAuthLines(logs)).toEqual([expect.objectContaining({ keyPrefix: null, path: '/plans' })]);
  });
});

describe('after authentication, per API key', () => {
  test('over the limit, a key gets 429 problems with Retry-After and RateLimit headers; another key is unaffected', async () => {
    const { app: limited } = throttledApp({ perKeyPerMinute: 3 });
    const address = newAddress();
    const own = await createTestApiKey(h, ['read'], 'per-key limit');
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await from(authorized(request(limited).get('/plans'), own), address));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(answers.map((res) => res.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(answers[0]!.headers['ratelimit-limit']).toBe('3');

    const refused = await from(authorized(request(limited).get('/plans'), own), address);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ status: 429, type: '/problems/too-many-requests' });
    expect(refused.body.detail).toMatch(/3 requests a minute for this API key/);

    const other = await createTestApiKey(h, ['read'], 'another client');
    expect((await from(authorized(request(limited).get('/plans'), other), address)).status).toBe(200);
  });

  test('a refused POST runs nothing and keeps no idempotency record', async () => {
    const { app: limited } = throttledApp({ perKeyPerMinute: 1 });
    const busy = await createTestApiKey(h, ['write'], 'busy client');
    expect((await authorized(request(limited).get('/plans'), busy)).status).toBe(200);
    const before = await h.db.prisma.subscription.count();
    const res = await from(authorized(request(limited).post('/subscriptions'), busy), newAddress())
      .set('idempotency-key', 'limited-1')
      .send({ customer: { email: 'limited@example.com' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    expect(res.status).toBe(429);
    expect(await h.db.prisma.subscription.count()).toBe(before);
    expect(await h.db.prisma.idempotencyRecord.count({ where: { key: 'limited-1' } })).toBe(0);
  });
});

describe('across API processes', () => {
  test('two API processes on one database share each limit: together they allow exactly the limit', async () => {
    const first = throttledApp({ perKeyPerMinute: 5 });
    const second = throttledApp({ perKeyPerMinute: 5 });
    const shared = await createTestApiKey(h, ['read'], 'shared by two processes');
    const address = newAddress();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => from(authorized(request(i % 2 === 0 ? first.app : second.app).get('/plans'), shared), address)),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  test('the per-address limit is shared too', async () => {
    const first = throttledApp({ perAddressPerMinute: 4 });
    const second = throttledApp({ perAddressPerMinute: 4 });
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await from(authorized(request(i % 2 === 0 ? first.app : second.app).get('/plans')), address)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });
});

describe('the counters\' connections', () => {
  test('commit without waiting for the disk: a count is written on every request, and losing the last instant of counts in a crash costs nothing', async () => {
    const pool = createThrottlePool(h.db.url, () => undefined);
    pools.push(pool);
    // The test server runs with synchronous_commit off for everyone: the connection must set it itself.
    const { rows } = await pool.query<{ setting: string; source: string }>("SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'");
    expect(rows).toEqual([{ setting: 'off', source: 'client' }]);
  });

  test('an idle connection the database drops (a restart, an outage) is reported, not a crash, and counting goes on', async () => {
    const lost: Error[] = [];
    const pool = createThrottlePool(h.db.url, (error) => lost.push(error));
    pools.push(pool);
    const { rows: [backend] } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // The connection is idle in the pool now; PostgreSQL ends it as a restart would.
    const admin = new pg.Client({ connectionString: h.db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [backend?.pid]);
    } finally {
      await admin.end();
    }
    await eventually(async () => lost.length, (count) => count > 0, 'the dropped connection to be reported', 10_000);
    expect(lost[0]?.message).toMatch(/terminating connection/);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('when the database holding the counters does not answer', () => {
  test('throttling fails open to limits counted in the process, and says so once', async () => {
    const nowhere = `postgresql://nobody@127.0.0.1:${await freePort()}/none`;
    const { app: limited, storeDown } = throttledApp({ perAddressPerMinute: 3 }, { databaseUrl: nowhere });
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await from(authorized(request(limited).get('/plans')), address)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(storeDown).toHaveBeenCalledTimes(1);
  });

  test('after a failed query the store is left alone for a few seconds: requests do not each wait for it', async () => {
    const nowhere = `postgresql://nobody@127.0.0.1:${await freePort()}/none`;
    let now = 0;
    const { app: limited, queries } = throttledApp({}, { databaseUrl: nowhere, now: () => now });
    const address = newAddress();
    for (let i = 0; i < 3; i += 1) expect((await from(authorized(request(limited).get('/plans')), address)).status).toBe(200);
    // Three throttle checks a request, nine in all: only the first went to the database.
    expect(queries()).toBe(1);
    now += BREAK_MS;
    expect((await from(authorized(request(limited).get('/plans')), address)).status).toBe(200);
    expect(queries()).toBe(2);
  });
});

describe('configuration', () => {
  const env = { DATABASE_URL: 'postgresql://localhost/x' };

  test('limits default to 6000 a minute per key, 12000 per address, 10 wrong secrets per key and address per 15 minutes', () => {
    const config = loadConfig(env);
    expect([config.RATE_LIMIT_PER_MINUTE, config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE, config.FAILED_AUTH_LIMIT, config.FAILED_AUTH_WINDOW_MINUTES]).toEqual([6000, 12_000, 10, 15]);
    expect(loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '120' }).RATE_LIMIT_PER_MINUTE).toBe(120);
    expect(() => loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ ...env, RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_ADDRESS_PER_MINUTE/);
    expect(() => loadConfig({ ...env, FAILED_AUTH_LIMIT: '-1' })).toThrow(/FAILED_AUTH_LIMIT/);
  });

  test('TRUST_PROXY is off by default, takes a hop count or addresses, and refuses "true"', () => {
    expect(loadConfig(env).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...env, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...env, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
