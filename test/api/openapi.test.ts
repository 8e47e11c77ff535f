// The OpenAPI document against the running app: valid OpenAPI 3.1, every route and no other, the
// scopes the policy enforces, request bodies refused as the routers refuse them, answers as the
// routes give them; and Swagger UI served offline at /docs.
import type { Express } from 'express';
import request from 'supertest';
import type { z } from 'zod';
import { parseIdempotencyKey } from '../../api/idempotency-request';
import { IDEMPOTENCY_KEY_PATTERN } from '../../api/openapi/components';
import { openApiPath } from '../../api/openapi/document';
import { idempotent, type Endpoint } from '../../api/openapi/endpoint';
import { ENDPOINTS } from '../../api/openapi/endpoints';
import { registeredRoutes } from '../../api/registered-routes';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, settled, startHarness, testApp } from '../support/harness';
import { DocumentedApi } from '../support/openapi-documented';
import { validateOpenApi } from '../support/openapi-validator';

let h: Harness;
/** No key unless a test sends one. */
let app: Express;
/** Sends the harness's admin key when a request has none. */
let admin: Express;
let api: DocumentedApi;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  admin = testApp(h);
  api = new DocumentedApi((await request(app).get('/openapi.json')).body);
});
afterAll(async () => {
  await h?.teardown();
});

const declared = (operationId: string): Endpoint => ENDPOINTS.find((e) => e.operationId === operationId)!;

/** The endpoint's path with its documented parameter examples, or the given values. */
function concretePath(endpoint: Endpoint, values: Record<string, string> = {}): string {
  return endpoint.path.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? endpoint.paramExamples?.[name] ?? name);
}

/** Ids that name nothing: requests with them change nothing, whatever else they carry. */
function absent(endpoint: Endpoint): Record<string, string> {
  return endpoint.paramExamples?.id === 'sub_ada' ? { id: 'sub_absent', offerId: 'OFR-sub_absent-0001' } : {};
}

function send(target: Express, method: string, path: string): request.Test {
  return request(target)[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);
}

describe('GET /openapi.json', () => {
  test('answers without a key with a document the official OpenAPI 3.1 schema accepts', async () => {
    const res = await request(app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(await validateOpenApi(res.body)).toEqual({ valid: true });
  });

  test('the validator it is checked with does refuse a broken document', async () => {
    const broken = structuredClone(api.document) as { paths: Record<string, Record<string, { parameters?: unknown[] }>> };
    broken.paths['/plans']!.get!.parameters = [{ name: 'limit' }];
    expect((await validateOpenApi(broken)).valid).toBe(false);
  });

  test('documents every route the app registers, and no route it does not have', () => {
    const routes = registeredRoutes(app).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    const documented = api.operations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    expect([...documented].sort()).toEqual([...routes].sort());
    expect(routes.length).toBeGreaterThanOrEqual(40);
  });

  test('says for every operation the scope the API enforces: one scope short is a 403 naming it, no key a 401', async () => {
    const keys = { read: (await createTestApiKey(h, ['read'])).key, write: (await createTestApiKey(h, ['write'])).key };
    const below = { write: keys.read, admin: keys.write } as const;
    for (const endpoint of ENDPOINTS) {
      const { security } = api.byId(endpoint.operationId).operation as { security: Array<Record<string, string[]>> };
      const path = concretePath(endpoint);
      const anonymous = await send(app, endpoint.method, path);
      const seen = `${endpoint.method.toUpperCase()} ${path}`;
      if (security.length === 0) {
        expect([seen, anonymous.status]).not.toEqual([seen, 401]);
        continue;
      }
      expect([seen, anonymous.status]).toEqual([seen, 401]);
      const scope = security[0]!.apiKey![0] as 'read' | 'write' | 'admin';
      if (scope === 'read') continue;
      const refused = await send(app, endpoint.method, path).set('authorization', `Bearer ${below[scope]}`);
      expect([seen, refused.status, refused.body.requiredScope]).toEqual([seen, 403, scope]);
    }
  });

  test('documents the Idempotency-Key header with the rule the API checks it by', () => {
    const samples = ['3f1c1c8e-8f5e-4b0e-9d51-6f1f8f3c2a10', 'job:42/run#7', 'k'.repeat(255), 'k'.repeat(256), '', 'has space', 'tab\tkey', 'ünïcode'];
    const documented = new RegExp(IDEMPOTENCY_KEY_PATTERN);
    const accepted = (key: string) => {
      try {
        return parseIdempotencyKey(key) === key;
      } catch {
        return false;
      }
    };
    expect(samples.map((key) => documented.test(key))).toEqual(samples.map(accepted));
    expect(samples.filter(accepted)).toHaveLength(3);
  });

  test('links lead from each create to the operations on what it made, by a path parameter its answer carries', async () => {
    type Op = { operationId: string; parameters?: Array<{ name?: string; in?: string }>; responses: Record<string, { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }> };
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, Op>> };
    const operations = new Map(Object.values(doc.paths).flatMap((ops) => Object.values(ops)).map((op) => [op.operationId, op]));
    const links = [...operations.values()].flatMap((op) => Object.entries(op.responses).flatMap(([status, answer]) => Object.values(answer.links ?? {}).map((link) => ({ from: `${op.operationId} ${status}`, link }))));
    expect(links.length).toBeGreaterThan(40);
    for (const { from, link } of links) {
      const target = operations.get(link.operationId);
      const pathParams = (target?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect([from, link.operationId, Object.keys(link.parameters)]).toEqual([from, link.operationId, pathParams]);
      expect(Object.values(link.parameters)).toEqual(pathParams.map((name) => `$response.body#/${name}`));
    }
    expect(operations.get('createSubscription')!.responses['201']!.links!.cancelSubscription).toEqual(
      expect.objectContaining({ operationId: 'cancelSubscription', parameters: { id: '$response.body#/id' } }),
    );
  });

  test('each operation taking an Idempotency-Key has an example key of its own, valid by the documented rule', async () => {
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: Array<{ name?: string; example?: string }> }>> };
    const examples = Object.values(doc.paths)
      .flatMap((operations) => Object.values(operations))
      .flatMap((operation) => (operation.parameters ?? []).filter((p) => p.name === 'Idempotency-Key').map((p) => p.example));
    expect(examples).toHaveLength(ENDPOINTS.filter(idempotent).length);
    expect(new Set(examples).size).toBe(examples.length);
    expect(examples.every((key) => typeof key === 'string' && new RegExp(IDEMPOTENCY_KEY_PATTERN).test(key))).toBe(true);
  });
});

describe('documented request bodies', () => {
  const withBody = () => ENDPOINTS.filter((e): e is Endpoint & { body: z.ZodType } => e.body !== undefined);

  /** A body the endpoint takes: its example, or nothing at all for a body that may be left out. */
  const validBody = (e: Endpoint) => (e.example ?? {}) as Record<string, unknown>;

  /** Wrong in one way each: an unknown field, a required field left out, a field of the wrong type, not an object. */
  function mutants(e: Endpoint): Array<[string, unknown]> {
    const base = validBody(e);
    const schema = api.byId(e.operationId).operation.requestBody as { content: Record<string, { schema: { required?: string[] } }> };
    const required = schema.content['application/json']!.schema.required ?? [];
    const wrongType = (value: unknown) => (typeof value === 'string' ? 12_345 : 'x');
    return [
      ['an unknown field', { ...base, unexpectedField: true }],
      ['an array', []],
      ...required.map((field): [string, unknown] => [`no ${field}`, Object.fromEntries(Object.entries(base).filter(([k]) => k !== field))]),
      ...Object.entries(base).map(([field, value]): [string, unknown] => [`${field} of the wrong type`, { ...base, [field]: wrongType(value) }]),
    ];
  }

  test('every body has a valid example (or may be empty), accepted by the documented JSON Schema and by the schema the router parses with', () => {
    expect(withBody().length).toBeGreaterThanOrEqual(15);
    for (const e of withBody()) {
      const body = validBody(e);
      expect([e.operationId, api.requestBodyErrors(api.byId(e.operationId), body)]).toEqual([e.operationId, []]);
      expect([e.operationId, e.body.safeParse(body).success]).toEqual([e.operationId, true]);
    }
  });

  test('the documented JSON Schema refuses what the router refuses: each wrong body is a 400 from the router and invalid by the document', async () => {
    let checked = 0;
    for (const e of withBody()) {
      for (const [what, body] of mutants(e)) {
        const seen = `${e.operationId} with ${what}`;
        const res = await send(admin, e.method, concretePath(e, absent(e))).send(body as object);
        expect([seen, res.status, res.body.type]).toEqual([seen, 400, '/problems/validation-error']);
        expect([seen, api.requestBodyErrors(api.byId(e.operationId), body).length > 0]).toEqual([seen, true]);
        expect([seen, e.body.safeParse(body).success]).toEqual([seen, false]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  test('a body documented as optional may be left out, and one documented as required may not', async () => {
    for (const e of withBody()) {
      const required = (api.byId(e.operationId).operation.requestBody as { required: boolean }).required;
      const path = concretePath(e, absent(e));
      const res = await send(admin, e.method, path);
      const seen = `${e.method.toUpperCase()} ${path}`;
      // Without a body, an optional-body command reaches the lookup of the (absent) subscription.
      expect([seen, res.status]).toEqual([seen, required ? 400 : 404]);
    }
  });
});

describe('documented answers', () => {
  test('every documented GET, called with its examples on real data, answers a documented status with a body that matches the document', async () => {
    const created = await request(admin).post('/subscriptions').send(declared('createSubscription').example as object);
    expect(api.answerErrors(api.byId('createSubscription'), created.status, created.headers['content-type'], created.body)).toEqual([]);
    await settled(h, 'subscription-sub_ada');
    const webhook = await request(admin).post('/webhooks').send({ url: 'http://127.0.0.1:9/hooks', events: ['invoice.paid'] });
    const migration = await request(admin).post('/plans/basic-monthly/migrations').send({ toPlan: 'pro-monthly' });
    const quote = await request(admin).post('/quotes').send(declared('createQuote').example as object);
    expect([webhook.status, migration.status, quote.status]).toEqual([201, 202, 201]);
    for (const [res, id] of [[webhook, 'createWebhookEndpoint'], [migration, 'startPlanMigration'], [quote, 'createQuote']] as const) {
      expect(api.answerErrors(api.byId(id), res.status, res.headers['content-type'], res.body)).toEqual([]);
    }

    const answered: Record<string, number> = {};
    for (const e of ENDPOINTS.filter((endpoint) => endpoint.method === 'get')) {
      const id = e.path.startsWith('/webhooks/:id')
        ? webhook.body.id
        : e.path.startsWith('/plans/migrations')
          ? migration.body.id
          : e.path.startsWith('/quotes/:id')
            ? quote.body.id
            : undefined;
      const res = await request(admin).get(concretePath(e, id ? { id } : {})).query(e.queryExample ?? {});
      answered[e.operationId] = res.status;
      const body = /json/.test(String(res.headers['content-type'])) ? res.body : res.text;
      expect([e.operationId, api.answerErrors(api.byId(e.operationId), res.status, res.headers['content-type'], body)]).toEqual([e.operationId, []]);
    }
    // Only the event id, the sandbox charge and the credit note of the examples name nothing here (nothing was refunded),
    // and the example's customer is a consumer, who gets no EHF document.
    const notOk = Object.entries(answered).filter(([, status]) => status !== 200);
    expect(notOk).toEqual([
      ['getInvoiceUbl', 404],
      ['getCreditNote', 404],
      ['getCreditNotePdf', 404],
      ['getCreditNoteUbl', 404],
      ['getSandboxCharge', 404],
      ['getWebhookEvent', 404],
    ]);
  });
});

describe('GET /docs', () => {
  test('renders Swagger UI for /openapi.json, without a key', async () => {
    const page = await request(app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="swagger-ui"></div>');
    expect(page.text).toContain('/docs/swagger-ui-bundle.js');
    const initializer = await request(app).get('/docs/openapi-initializer.js');
    expect(initializer.text).toContain("url: '/openapi.json'");
    expect((await request(app).get('/docs/')).status).toBe(200);
  });

  test('serves every script, style sheet and icon the page loads, without a key, with its content type, from this server', async () => {
    const page = await request(app).get('/docs');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.every((asset) => asset.startsWith('/docs/'))).toBe(true);
    const served = await Promise.all(assets.map(async (asset) => [asset, await request(app).get(asset)] as const));
    const types = served.map(([asset, res]) => [asset, res.status, String(res.headers['content-type']).split(';')[0]]);
    expect(types).toEqual([
      ['/docs/swagger-ui.css', 200, 'text/css'],
      ['/docs/index.css', 200, 'text/css'],
      ['/docs/favicon-32x32.png', 200, 'image/png'],
      ['/docs/favicon-16x16.png', 200, 'image/png'],
      ['/docs/swagger-ui-bundle.js', 200, 'text/javascript'],
      ['/docs/openapi-initializer.js', 200, 'text/javascript'],
    ]);
    expect(served.find(([asset]) => asset.endsWith('bundle.js'))![1].text.length).toBeGreaterThan(500_000);
  });

  test('the page and its assets carry a content security policy that allows only this server, and refuse framing and sniffing', async () => {
    const page = await request(app).get('/docs');
    const policy = String(page.headers['content-security-policy']);
    const directives = new Map(policy.split(';').map((part) => part.trim().split(/\s+/) as [string, ...string[]]).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.has('upgrade-insecure-requests')).toBe(false);
    // Every script the page loads comes from a file on this server: none is inline.
    expect([...page.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)].map((match) => [match[1]!.includes('src="/docs/'), match[2]!.trim()])).toEqual([
      [true, ''],
      [true, ''],
    ]);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await request(app).get('/docs/swagger-ui-bundle.js')).headers['content-security-policy']).toBe(policy);
  });

  test('JSON answers are left as they were: no HTML policy on /openapi.json', async () => {
    expect((await request(app).get('/openapi.json')).headers['content-security-policy']).toBeUndefined();
  });

  test("serves nothing else of the swagger-ui-dist package (its own page loads the petstore from the internet)", async () => {
    for (const path of ['/docs/index.html', '/docs/swagger-initializer.js', '/docs/package.json', '/docs/../package.json']) {
      expect([path, (await request(app).get(path)).status]).toEqual([path, 404]);
    }
  });
});
