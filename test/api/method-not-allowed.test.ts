// A method a path does not offer (RFC 9110 §15.5.6) and OPTIONS (§9.3.7), on the API as deployed:
// every request brings its own key.
import type { Express } from 'express';
import request from 'supertest';
import type { Endpoint } from '../../api/openapi/endpoint';
import { ENDPOINTS } from '../../api/openapi/endpoints';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, startHarness } from '../support/harness';

let h: Harness;
let app: Express;
let readKey: string;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  readKey = (await createTestApiKey(h, ['read'])).key;
});
afterAll(async () => {
  await h?.teardown();
});

type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'trace';

function send(method: Method, path: string, key: string | null = h.adminKey): request.Test {
  const req = request(app)[method](path);
  return key ? req.set('authorization', `Bearer ${key}`) : req;
}

const answer = (res: request.Response) => ({ status: res.status, allow: res.headers.allow, type: res.body?.type });

describe('a method no route offers on a path the API has', () => {
  test('/webhooks/stripe is a path of its own (a concrete path before /webhooks/{id}): GET and DELETE are 405, OPTIONS a 204, with or without a key', async () => {
    for (const key of [h.adminKey, null]) {
      for (const method of ['get', 'delete', 'put'] as const) {
        expect([method, answer(await send(method, '/webhooks/stripe', key))]).toEqual([method, { status: 405, allow: 'OPTIONS, POST', type: '/problems/method-not-allowed' }]);
      }
      expect(answer(await send('options', '/webhooks/stripe', key))).toEqual({ status: 204, allow: 'OPTIONS, POST', type: undefined });
    }
    // The endpoint ids stay GET /webhooks/{id}'s.
    expect((await send('get', '/webhooks/we_000000000000000000000000')).status).toBe(404);
  });

  test('is a 405 problem with an Allow header naming the methods the path offers', async () => {
    for (const [method, path, allow] of [
      ['trace', '/add-ons', 'GET, HEAD, OPTIONS, POST'],
      ['put', '/plans', 'GET, HEAD, OPTIONS, POST'],
      ['delete', '/subscriptions', 'GET, HEAD, OPTIONS, POST'],
      ['post', '/healthz', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const res = await send(method, path);
      expect([method, path, answer(res)]).toEqual([method, path, { status: 405, allow, type: '/problems/method-not-allowed' }]);
    }
    const res = await send('trace', '/add-ons');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: '/problems/method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: 'TRACE is not offered for /add-ons; it offers GET, HEAD, OPTIONS, POST',
      instance: '/add-ons',
    });
  });

  test('is a 405 on a path with parameters too, whatever their value', async () => {
    for (const [method, path, allow] of [
      ['patch', '/subscriptions/x/cancel', 'OPTIONS, POST'],
      ['get', '/subscriptions/sub_absent/cancel', 'OPTIONS, POST'],
      ['delete', '/plans/migrations/mig_absent', 'GET, HEAD, OPTIONS'],
      ['put', '/subscriptions/x/add-ons/extra-storage', 'DELETE, OPTIONS'],
      ['trace', '/Plans/basic-monthly/', 'GET, HEAD, OPTIONS, PATCH'],
    ] as const) {
      const res = await send(method, path);
      expect([method, path, answer(res)]).toEqual([method, path, { status: 405, allow, type: '/problems/method-not-allowed' }]);
    }
  });

  test('names the methods of every route the path matches, whichever router has them', async () => {
    // Two routers: POST /subscriptions in one, GET in the next (Express's own OPTIONS named POST alone).
    expect(answer(await send('options', '/subscriptions'))).toEqual({ status: 204, allow: 'GET, HEAD, OPTIONS, POST', type: undefined });
  });

  test('needs the key any request there needs: none is a 401, too small a scope a 403', async () => {
    expect((await send('trace', '/add-ons', null)).status).toBe(401);
    expect((await send('patch', '/subscriptions/x/cancel', null)).status).toBe(401);
    expect((await send('options', '/plans', null)).status).toBe(401);
    const refused = await send('put', '/plans', readKey);
    expect([refused.status, refused.body.requiredScope, refused.headers.allow]).toEqual([403, 'admin', undefined]);
    expect(answer(await send('patch', '/subscriptions/x/cancel', readKey))).toEqual({ status: 403, allow: undefined, type: '/problems/forbidden' });
    expect(answer(await send('options', '/plans', readKey))).toEqual({ status: 204, allow: 'GET, HEAD, OPTIONS, POST', type: undefined });
  });
});

describe('a concrete path before a template that also matches it (as OpenAPI reads paths)', () => {
  test('/subscriptions/imports is POST only: GET is a 405, not GET /subscriptions/:id of a subscription "imports", in any case and with a trailing slash', async () => {
    for (const path of ['/subscriptions/imports', '/Subscriptions/IMPORTS/']) {
      for (const method of ['get', 'put', 'delete'] as const) {
        expect([method, path, answer(await send(method, path))]).toEqual([method, path, { status: 405, allow: 'OPTIONS, POST', type: '/problems/method-not-allowed' }]);
      }
    }
    // The template still serves every other id.
    expect((await send('get', '/subscriptions/importz')).status).toBe(404);
  });

  test('no subscription can be created or imported with the id "imports", in any case', async () => {
    const created = await send('post', '/subscriptions').send({ id: 'Imports', customer: { email: 'imports@example.com' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    expect([created.status, created.body.errors?.[0]]).toEqual([400, { field: 'id', message: 'imports is reserved (POST /subscriptions/imports); choose another id' }]);
    const imported = await send('post', '/subscriptions/imports').send({
      subscriptions: [{ id: 'imports', customer: { email: 'imports@example.com' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa', currentPeriodEnd: '2031-01-01T00:00:00Z' }],
    });
    expect(imported.status).toBe(400);
    expect(await h.db.prisma.subscription.count({ where: { id: { in: ['imports', 'Imports'] } } })).toBe(0);
  });
});

describe('OPTIONS', () => {
  test('on a path the API has is a 204 with the Allow header and no body', async () => {
    const res = await send('options', '/plans');
    expect([res.status, res.headers.allow, res.text, res.headers['content-type']]).toEqual([204, 'GET, HEAD, OPTIONS, POST', '', undefined]);
    expect(answer(await send('options', '/subscriptions/imports'))).toEqual({ status: 204, allow: 'OPTIONS, POST', type: undefined });
    // Public like a GET there: no key needed.
    expect(answer(await send('options', '/healthz', null))).toEqual({ status: 204, allow: 'GET, HEAD, OPTIONS', type: undefined });
  });

  test("lists every documented operation's method on its path", async () => {
    // A gateway's webhook path is answered by its own router before authentication, as before.
    const concrete = (e: Endpoint) => e.path.replace(/:(\w+)/g, (_m, name: string) => e.paramExamples?.[name] ?? name);
    for (const e of ENDPOINTS.filter((endpoint) => !endpoint.inbound)) {
      const res = await send('options', concrete(e));
      const seen = `${e.method.toUpperCase()} ${e.path}`;
      expect([seen, res.status, String(res.headers.allow).split(', ')]).toEqual([seen, 204, expect.arrayContaining([e.method.toUpperCase(), 'OPTIONS'])]);
    }
  });
});

describe('what the change leaves as it was', () => {
  test('a path no route has stays a 404 for every method, beside a path that has routes', async () => {
    for (const method of ['get', 'put', 'trace', 'options'] as const) {
      for (const path of ['/nope', '/plans/basic-monthly/nope', '/subscriptions/x/cancel/now']) {
        expect([method, path, answer(await send(method, path))]).toEqual([method, path, { status: 404, allow: undefined, type: '/problems/not-found' }]);
      }
    }
    expect((await send('get', '/nope', null)).status).toBe(401);
    expect((await send('put', '/plans/basic-monthly')).status).toBe(405);
  });

  test('HEAD on a GET route answers as GET does, without a body; on a route without GET it is a 405', async () => {
    for (const path of ['/plans', '/healthz', '/openapi.json']) {
      const res = await send('head', path);
      expect([path, res.status, res.headers['content-type'], res.text]).toEqual([path, 200, expect.stringMatching(/json/), undefined]);
    }
    expect(answer(await send('head', '/subscriptions/x/cancel'))).toEqual({ status: 405, allow: 'OPTIONS, POST', type: undefined });
  });

  test('the portal, health, metrics and the OpenAPI document answer as before; a method they do not offer is a 405', async () => {
    const portal = await request(app).get('/portal/sign-in');
    expect([portal.status, portal.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    // The portal's own "not found" page, not a problem: it is an application of its own.
    const put = await request(app).put('/portal/sign-in');
    expect([put.status, put.headers['content-type'], put.headers.allow]).toEqual([404, expect.stringMatching(/^text\/html/), undefined]);
    for (const path of ['/healthz', '/metrics', '/openapi.json', '/docs', '/docs/swagger-ui.css']) {
      expect([path, (await request(app).get(path)).status]).toEqual([path, 200]);
    }
    expect(answer(await send('delete', '/openapi.json'))).toEqual({ status: 405, allow: 'GET, HEAD, OPTIONS', type: '/problems/method-not-allowed' });
    // Static files under /docs are not routes: a path no route has.
    expect((await send('post', '/docs/swagger-ui.css')).status).toBe(404);
  });
});
