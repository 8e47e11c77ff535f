import request from 'supertest';
import type { Express } from 'express';
import { grants, hashKey } from '../../api/auth-keys';
import { requiredAccess } from '../../api/auth-policy';
import { signOfferToken } from '../../infra/links';
import type { Harness } from '../support/harness';
import { createTestApiKey, eventually, rawTestApp, startHarness, TEST_LINKS, testApp } from '../support/harness';
import { driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let app: Express;
let keys: Record<'read' | 'write' | 'admin', string>;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  keys = {
    read: (await createTestApiKey(h, ['read'])).key,
    write: (await createTestApiKey(h, ['write'])).key,
    admin: (await createTestApiKey(h, ['admin'])).key,
  };
});
afterAll(async () => {
  await h?.teardown();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const newSubscription = (id: string) => ({ id, customer: newCustomer(id), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });

describe('the scope policy, from method and path alone', () => {
  test.each([
    ['GET', '/subscriptions/sub_1', { kind: 'key', scope: 'read' }],
    ['HEAD', '/plans', { kind: 'key', scope: 'read' }],
    ['POST', '/subscriptions', { kind: 'key', scope: 'write' }],
    ['DELETE', '/subscriptions/sub_1/coupon', { kind: 'key', scope: 'write' }],
    ['PATCH', '/some/router/added/later', { kind: 'key', scope: 'write' }],
    ['GET', '/offer-rules', { kind: 'key', scope: 'read' }],
    ['PUT', '/offer-rules/seats-next-tier', { kind: 'key', scope: 'admin' }],
    ['POST', '/plans/pro-monthly/migrations', { kind: 'key', scope: 'admin' }],
    ['PUT', '/subscriptions/sub_1/grandfathered', { kind: 'key', scope: 'admin' }],
    ['GET', '/webhooks', { kind: 'key', scope: 'admin' }],
    ['DELETE', '/webhooks/wh_1', { kind: 'key', scope: 'admin' }],
    ['GET', '/api-keys', { kind: 'key', scope: 'admin' }],
    ['GET', '/healthz', { kind: 'public' }],
    ['GET', '/metrics', { kind: 'public' }],
    // Revenue figures are a keyed read, never public like /metrics.
    ['GET', '/reports/revenue', { kind: 'key', scope: 'read' }],
    ['GET', '/Reports/Revenue/', { kind: 'key', scope: 'read' }],
    ['GET', '/openapi.json', { kind: 'public' }],
    ['GET', '/docs/swagger-ui.css', { kind: 'public' }],
    ['POST', '/subscriptions/sub_1/offers/OFR-sub_1-0001/accept', { kind: 'link' }],
    ['POST', '/subscriptions/sub_1/offers/OFR-sub_1-0001/decline', { kind: 'link' }],
    ['POST', '/webhooks/stripe', { kind: 'signed' }],
    ['POST', '/Webhooks/Stripe/', { kind: 'signed' }],
    // Only Stripe's own request is signed; anything else at that path is managing webhooks.
    ['GET', '/webhooks/stripe', { kind: 'key', scope: 'admin' }],
    ['POST', '/webhooks/%73tripe', { kind: 'key', scope: 'admin' }],
    ['POST', '/webhooks/stripe/rotate-secret', { kind: 'key', scope: 'admin' }],
    // The customer portal checks its own session, links and CSRF tokens.
    ['GET', '/portal', { kind: 'portal' }],
    ['POST', '/portal/sign-in', { kind: 'portal' }],
    ['POST', '/Portal/Offers/sub_1/OFR-sub_1-0001/accept/', { kind: 'portal' }],
    ['GET', '/portals', { kind: 'key', scope: 'read' }],
  ])('%s %s needs %o', (method, path, access) => {
    expect(requiredAccess(method, path)).toEqual(access);
  });

  test.each([
    ['a different case', 'GET', '/WebHooks'],
    ['a trailing slash', 'GET', '/webhooks/'],
    ['doubled slashes', 'GET', '//webhooks'],
    ['percent-encoding', 'GET', '/%77ebhooks'],
    ['a catalogue write in capitals', 'PUT', '/Offer-Rules/x'],
  ])('an admin path written with %s still needs admin', (_what, method, path) => {
    expect(requiredAccess(method, path)).toEqual({ kind: 'key', scope: 'admin' });
  });

  test('POST /healthz is not public: only reads of the public paths are', () => {
    expect(requiredAccess('POST', '/healthz')).toEqual({ kind: 'key', scope: 'write' });
  });

  test('scopes nest: admin grants write and read, write grants read, read only read', () => {
    expect([grants(['admin'], 'write'), grants(['admin'], 'read'), grants(['write'], 'read')]).toEqual([true, true, true]);
    expect([grants(['read'], 'write'), grants(['write'], 'admin'), grants(['bogus'], 'read'), grants([], 'read')]).toEqual([false, false, false, false]);
  });
});

describe('without a usable key', () => {
  test('a request without Authorization is a 401 problem with a Bearer challenge', async () => {
    const res = await request(app).get('/plans');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="subscription-engine"');
    expect(res.body).toMatchObject({ status: 401, type: '/problems/unauthorized' });
  });

  test.each([
    ['another scheme', (key: string) => `Basic ${Buffer.from(`user:${key}`).toString('base64')}`],
    ['a wrong secret behind a real prefix', (key: string) => `Bearer ${key.slice(0, -4)}AAAA`],
    ['a key that is not of the sek_ format', () => 'Bearer not-a-key'],
  ])('%s is a 401 invalid_token that does not echo what was sent', async (_what, header) => {
    const sent = header(keys.admin);
    const res = await request(app).get('/plans').set('authorization', sent);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="subscription-engine", error="invalid_token"');
    const credential = sent.split(' ')[1]!;
    expect(JSON.stringify(res.body)).not.toContain(credential);
    expect(JSON.stringify(res.headers)).not.toContain(credential);
  });

  test('a revoked key is refused at once', async () => {
    const revoked = await createTestApiKey(h, ['admin'], 'to revoke');
    expect((await request(app).get('/plans').set(bearer(revoked.key))).status).toBe(200);
    await h.db.prisma.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const res = await request(app).get('/plans').set(bearer(revoked.key));
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the API key is not valid or has been revoked');
  });

  test('an unknown route is 401 too: routes are not revealed to strangers', async () => {
    expect((await request(app).get('/no-such-route')).status).toBe(401);
  });
});

describe('scopes', () => {
  test('a read key reads, and its write is a 403 that names the scope and changes nothing', async () => {
    expect((await request(app).get('/plans').set(bearer(keys.read))).status).toBe(200);
    const before = await h.db.prisma.subscription.count();
    const res = await request(app).post('/subscriptions').set(bearer(keys.read)).send(newSubscription('auth_read_only'));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="subscription-engine", error="insufficient_scope", scope="write"');
    expect(res.body).toMatchObject({ status: 403, requiredScope: 'write', detail: 'this request needs an API key with the write scope; this key has read' });
    expect(await h.db.prisma.subscription.count()).toBe(before);
  });

  test('a write key creates subscriptions but may not edit offer rules, migrate plans or see webhooks', async () => {
    const created = await request(app).post('/subscriptions').set(bearer(keys.write)).send(newSubscription('auth_write'));
    expect(created.status).toBe(201);
    const rulesBefore = await h.db.prisma.offerRule.findMany();
    for (const [method, path] of [
      ['put', '/offer-rules/seats-next-tier'],
      ['post', '/plans/basic-monthly/migrations'],
      ['get', '/webhooks'],
      ['get', '/api-keys'],
    ] as const) {
      const res = await request(app)[method](path).set(bearer(keys.write)).send({});
      expect({ path, status: res.status, requiredScope: res.body.requiredScope }).toEqual({ path, status: 403, requiredScope: 'admin' });
    }
    expect(await h.db.prisma.offerRule.findMany()).toEqual(rulesBefore);
  });

  test('an admin key edits offer rules', async () => {
    const rules = (await request(app).get('/offer-rules').set(bearer(keys.admin))).body.data as Array<Record<string, unknown>>;
    const { id, ...rule } = rules.find((r) => r.id === 'storage-next-tier')!;
    const res = await request(app).put(`/offer-rules/${String(id)}`).set(bearer(keys.admin)).send({ ...rule, priority: 28 });
    expect(res.status).toBe(200);
    expect(res.body.priority).toBe(28);
  });

  test('using a key records when it was last used; only the hash of the key is stored', async () => {
    const key = await createTestApiKey(h, ['read'], 'usage');
    expect((await h.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toBeNull();
    await request(app).get('/plans').set(bearer(key.key));
    const row = await h.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
    expect(row.secretHash).toBe(hashKey(key.key));
    expect(JSON.stringify(row)).not.toContain(key.key.split('_').slice(2).join('_'));
  });
});

describe('public routes', () => {
  test('/healthz answers without a key', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  test.each(['/metrics', '/openapi.json', '/docs'])('%s is never refused for a missing key', async (path) => {
    expect((await request(app).get(path)).status).not.toBe(401);
  });

  test('an offer link without a token and without a key is a 401', async () => {
    const res = await request(app).post('/subscriptions/sub_x/offers/OFR-sub_x-0001/accept');
    expect(res.status).toBe(401);
  });

  test('an offer link with a forged token reaches the route without a key and is refused there (403)', async () => {
    const res = await request(app).post('/subscriptions/sub_x/offers/OFR-sub_x-0001/accept').query({ token: '99999999999999.forged' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('the link is invalid or has expired');
  });

  test('a signed token in the body works like one in the query', async () => {
    const token = signOfferToken(TEST_LINKS, 'sub_x', 'OFR-sub_x-0001', new Date(Date.now() + 86_400_000).toISOString());
    const res = await request(app).post('/subscriptions/sub_x/offers/OFR-sub_x-0001/decline').send({ token });
    // The token is good, so the route went on to look for the subscription.
    expect(res.status).toBe(404);
  });

  test("the emailed link's token accepts the offer through the API, with no API key", async () => {
    const d = driver(h, testApp(h));
    await d.create({ id: 'auth_link', customer: newCustomer('auth_link'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    expect((await d.post('/subscriptions/auth_link/usage', { metric: 'seats', quantity: 3 })).status).toBe(202);
    const first = await d.get('auth_link');
    await d.advanceTo(first.currentPeriod.end);
    const offered = await d.until('auth_link', (s) => s.periodIndex === 1 && s.offer !== null, 'an offer after the renewal');
    await d.emails('auth_link', 4);
    const link = new URL(/https:\/\/\S+/.exec(h.smtp.for('auth_link').find((m) => m.template === 'offer')!.text)![0]);
    // The email opens the offer's portal page; its token also works on the API's route.
    expect(link.pathname).toBe(`/portal/offers/auth_link/${offered.offer!.id}`);
    const path = `/subscriptions/auth_link/offers/${offered.offer!.id}/accept`;
    const res = await request(app).post(path).query({ token: link.searchParams.get('token')! });
    expect(res.status).toBe(200);
    expect(res.body.subscription).toMatchObject({ plan: { code: 'pro-monthly' }, offer: null });

    // Audited as the customer's own action, without the token (it is in the query string).
    const { customerId } = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'auth_link' } });
    const [entry] = await eventually(
      () => h.db.prisma.auditEvent.findMany({ where: { subscriptionId: 'auth_link', actorType: 'customer' } }),
      (rows) => rows.length === 1,
      'the audit event of the accepted offer',
    );
    expect(entry).toMatchObject({ actor: customerId, method: 'POST', path, outcome: 200, requestId: res.headers['x-request-id'] });
  });
});
