// API key management through the API: the secret shown once, lists without secrets, revocation
// and rotation taking effect on the API's clock, and only admin keys allowed to do any of it.
import type { Express } from 'express';
import request from 'supertest';
import { hashKey } from '../../api/auth-keys';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, startHarness } from '../support/harness';

let h: Harness;
/** The API on a clock the tests move: expiries are decided on it. */
let app: Express;
let now: Date;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const asAdmin = () => bearer(h.adminKey);

beforeAll(async () => {
  h = await startHarness();
  now = new Date('2031-03-01T12:00:00.000Z');
  app = rawTestApp(h, { clock: async () => now });
});
afterAll(async () => {
  await h?.teardown();
});

async function create(body: Record<string, unknown>): Promise<request.Response> {
  return request(app).post('/api-keys').set(asAdmin()).send(body);
}

/** Every key, walking the pages `limit` at a time. */
async function allKeys(limit: number): Promise<Array<Record<string, unknown>>> {
  const keys: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(app).get('/api-keys').set(asAdmin()).query({ limit, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    keys.push(...(res.body.data as Array<Record<string, unknown>>));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return keys;
}

describe('POST /api-keys', () => {
  test('answers the key once; it works, and only its hash is stored', async () => {
    const res = await create({ name: 'crm sync', scopes: ['write'] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api-keys/${res.body.id as string}`);
    expect(res.body).toMatchObject({ name: 'crm sync', scopes: ['write'], revokedAt: null, expiresAt: null, replacedBy: null });
    const key = res.body.key as string;
    expect(key).toMatch(new RegExp(`^sek_${res.body.prefix as string}_[A-Za-z0-9_-]{43}$`));

    const row = await h.db.prisma.apiKey.findUniqueOrThrow({ where: { id: res.body.id as string } });
    expect(row.secretHash).toBe(hashKey(key));
    // The secret is all after `sek_<prefix>_`; base64url may put more underscores inside it.
    const secret = key.slice(`sek_${res.body.prefix as string}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);

    expect((await request(app).post('/subscriptions').set(bearer(key)).send({})).status).toBe(400);
    expect((await request(app).get('/api-keys').set(bearer(key))).status).toBe(403);
  });

  test('refuses an expiry that is not in the future on the API clock, and unknown scopes', async () => {
    const past = await create({ name: 'late', scopes: ['read'], expiresAt: now.toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([{ field: 'expiresAt', message: 'must be in the future' }]);
    expect((await create({ name: 'x', scopes: ['root'] })).status).toBe(400);
    expect((await create({ name: 'x', scopes: [] })).status).toBe(400);
  });

  test('a key created with expiresAt works until then, and is a 401 from that instant', async () => {
    const res = await create({ name: 'contractor', scopes: ['read'], expiresAt: new Date(now.getTime() + 60_000).toISOString() });
    const key = res.body.key as string;
    expect((await request(app).get('/plans').set(bearer(key))).status).toBe(200);
    const saved = now;
    now = new Date(saved.getTime() + 60_000);
    try {
      const refused = await request(app).get('/plans').set(bearer(key));
      expect([refused.status, refused.body.detail]).toEqual([401, 'the API key has expired']);
    } finally {
      now = saved;
    }
  });
});

describe('GET /api-keys', () => {
  test('lists every key with its metadata, never a key or a hash, page by page', async () => {
    const created = await create({ name: 'listed', scopes: ['read', 'write'] });
    // A request with the key sets lastUsedAt.
    expect((await request(app).get('/plans').set(bearer(created.body.key as string))).status).toBe(200);
    const res = await request(app).get('/api-keys').set(asAdmin()).query({ limit: 100 });
    const text = JSON.stringify(res.body);
    const rows = await h.db.prisma.apiKey.findMany();
    for (const row of rows) expect(text).not.toContain(row.secretHash);
    expect(text).not.toContain(created.body.key as string);
    expect(text).not.toContain(h.adminKey);
    const listed = (res.body.data as Array<Record<string, unknown>>).find((key) => key.id === created.body.id)!;
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'replacedBy', 'revokedAt', 'scopes']);
    expect(listed).toMatchObject({ name: 'listed', prefix: created.body.prefix, scopes: ['read', 'write'] });
    expect(listed.lastUsedAt).toEqual(expect.any(String));

    const paged = await allKeys(2);
    expect(paged.map((key) => key.id)).toEqual((res.body.data as Array<{ id: string }>).map((key) => key.id));
    expect(paged).toHaveLength(rows.length);
  });
});

describe('DELETE /api-keys/:id', () => {
  test('revokes at once: the next request with the key is a 401; revoking again answers the same', async () => {
    const created = await create({ name: 'to revoke', scopes: ['write'] });
    const key = created.body.key as string;
    expect((await request(app).get('/plans').set(bearer(key))).status).toBe(200);
    const revoked = await request(app).delete(`/api-keys/${created.body.id as string}`).set(asAdmin());
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(now.toISOString());
    expect((await request(app).get('/plans').set(bearer(key))).status).toBe(401);
    const again = await request(app).delete(`/api-keys/${created.body.id as string}`).set(asAdmin());
    expect([again.status, again.body.revokedAt]).toEqual([200, now.toISOString()]);
  });

  test('an unknown id is a 404', async () => {
    expect((await request(app).delete('/api-keys/key_0000000000000000').set(asAdmin())).status).toBe(404);
  });
});

describe('POST /api-keys/:id/rotate', () => {
  test('both keys work during the overlap; the old one is a 401 once it ends; a replaced key is not rotated twice', async () => {
    const created = await create({ name: 'billing worker', scopes: ['write'] });
    const old = created.body.key as string;
    const rotated = await request(app).post(`/api-keys/${created.body.id as string}/rotate`).set(asAdmin()).send({ overlapSeconds: 3600 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'billing worker', scopes: ['write'], expiresAt: null, previous: { id: created.body.id, replacedBy: rotated.body.id } });
    expect(rotated.body.previous.expiresAt).toBe(new Date(now.getTime() + 3_600_000).toISOString());
    const fresh = rotated.body.key as string;
    expect(fresh).not.toBe(old);

    const saved = now;
    try {
      for (const [at, oldStatus] of [[3_599_999, 200], [3_600_000, 401]] as const) {
        now = new Date(saved.getTime() + at);
        expect([at, (await request(app).get('/plans').set(bearer(old))).status]).toEqual([at, oldStatus]);
        expect([at, (await request(app).get('/plans').set(bearer(fresh))).status]).toEqual([at, 200]);
      }
    } finally {
      now = saved;
    }
    const twice = await request(app).post(`/api-keys/${created.body.id as string}/rotate`).set(asAdmin()).send({});
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain(rotated.body.id as string);
  });

  test('the overlap defaults to a day and is bounded to a week; a revoked key is not rotated', async () => {
    const created = await create({ name: 'default overlap', scopes: ['read'] });
    const path = `/api-keys/${created.body.id as string}/rotate`;
    expect((await request(app).post(path).set(asAdmin()).send({ overlapSeconds: 7 * 86_400 + 1 })).status).toBe(400);
    const rotated = await request(app).post(path).set(asAdmin());
    expect(rotated.body.previous.expiresAt).toBe(new Date(now.getTime() + 86_400_000).toISOString());

    const revoked = await create({ name: 'revoked', scopes: ['read'] });
    await request(app).delete(`/api-keys/${revoked.body.id as string}`).set(asAdmin());
    expect((await request(app).post(`/api-keys/${revoked.body.id as string}/rotate`).set(asAdmin())).status).toBe(409);
  });
});

describe('only admin keys manage keys', () => {
  test('read and write keys get 403 on every key route and on the audit log', async () => {
    const target = await create({ name: 'target', scopes: ['read'] });
    for (const scopes of [['read'], ['write']] as const) {
      const { key } = await createTestApiKey(h, [...scopes]);
      const calls = [
        request(app).post('/api-keys').send({ name: 'escalate', scopes: ['admin'] }),
        request(app).get('/api-keys'),
        request(app).delete(`/api-keys/${target.body.id as string}`),
        request(app).post(`/api-keys/${target.body.id as string}/rotate`),
        request(app).get('/audit-events'),
      ];
      for (const call of calls) {
        const res = await call.set(bearer(key));
        expect([scopes[0], res.status, res.body.requiredScope]).toEqual([scopes[0], 403, 'admin']);
      }
    }
    const row = await h.db.prisma.apiKey.findUniqueOrThrow({ where: { id: target.body.id as string } });
    expect([row.revokedAt, row.replacedById]).toEqual([null, null]);
    expect(await h.db.prisma.apiKey.count({ where: { name: 'escalate' } })).toBe(0);
  });

  test('a key cannot cut itself off: revoking itself is a 409, and so is rotating itself with under an hour of overlap; another admin key can do either at once', async () => {
    const self = await create({ name: 'self', scopes: ['admin'] });
    const as = bearer(self.body.key as string);
    const revoke = await request(app).delete(`/api-keys/${self.body.id as string}`).set(as);
    expect([revoke.status, revoke.body.detail]).toEqual([409, 'a key cannot revoke itself: revoke it with another admin key']);
    const quick = await request(app).post(`/api-keys/${self.body.id as string}/rotate`).set(as).send({ overlapSeconds: 3599 });
    expect([quick.status, quick.body.detail]).toEqual([409, expect.stringContaining('a key rotating itself stays usable at least 3600 s')]);
    expect((await request(app).get('/api-keys').set(as)).status).toBe(200);

    const slow = await request(app).post(`/api-keys/${self.body.id as string}/rotate`).set(as).send({ overlapSeconds: 3600 });
    expect(slow.status).toBe(201);
    expect((await request(app).get('/api-keys').set(as)).status).toBe(200);
    // Another admin key cuts the replacement off at once.
    const replacement = slow.body as { id: string; key: string };
    expect((await request(app).post(`/api-keys/${replacement.id}/rotate`).set(asAdmin()).send({ overlapSeconds: 0 })).status).toBe(201);
    expect((await request(app).get('/api-keys').set(bearer(replacement.key))).status).toBe(401);
    expect((await request(app).delete(`/api-keys/${self.body.id as string}`).set(asAdmin())).status).toBe(200);
    expect((await request(app).get('/api-keys').set(as)).status).toBe(401);
  });

  test('the last usable admin key is never revoked: two admin keys revoking each other at once leave one', async () => {
    const first = await create({ name: 'first admin', scopes: ['admin'] });
    const second = await create({ name: 'second admin', scopes: ['admin'] });
    const others = await h.db.prisma.apiKey.findMany({ where: { revokedAt: null, id: { notIn: [first.body.id as string, second.body.id as string] } } });
    for (const other of others.filter((row) => row.scopes.includes('admin'))) {
      expect((await request(app).delete(`/api-keys/${other.id}`).set(bearer(first.body.key as string))).status).toBe(200);
    }
    const answers = await Promise.all([
      request(app).delete(`/api-keys/${second.body.id as string}`).set(bearer(first.body.key as string)),
      request(app).delete(`/api-keys/${first.body.id as string}`).set(bearer(second.body.key as string)),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    // The loser either met the lock (409, the last usable admin key) or came after it was revoked (401).
    expect([[200, 401], [200, 409]]).toContainEqual(statuses);
    const usableAdmins = await h.db.prisma.apiKey.findMany({ where: { revokedAt: null, scopes: { has: 'admin' } } });
    expect(usableAdmins.map((row) => row.id).filter((id) => id === first.body.id || id === second.body.id)).toHaveLength(1);
    expect(usableAdmins).toHaveLength(1);
  });
});
