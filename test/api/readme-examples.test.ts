// The `curl -s` examples of README.md, sent in the README's order to the app (supertest, the same
// method, path, headers and body curl would send). Each must succeed, and answer as the OpenAPI
// document says. The README's placeholders are filled from the answers before them, as a reader
// would: `pmg_…`, `quo_…`, the sample webhook id and API key id with the ids returned, `<nextCursor>` with the cursor,
// `<chargeId>` with the payment in flight's charge.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness } from '../support/harness';
import { DocumentedApi } from '../support/openapi-documented';
import { curlExamples, type CurlExample } from '../support/readme-curl';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
/** `$KEY` in the README: the environment's admin key, known once the harness runs. */
const KEY = '<api-key>';

const EXAMPLES = curlExamples(README, (name) => {
  if (name === 'KEY') return KEY;
  if (name === '$(uuidgen)') return randomUUID();
  // The import example's paid-until date: 20 days from now, as `date -u -d '+20 days'` prints it.
  if (name === 'PAID_UNTIL') return new Date(Date.now() + 20 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  throw new Error(`the README uses ${name}, which this test cannot fill in`);
});

let h: Harness;
let app: Express;
let api: DocumentedApi;
beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  api = new DocumentedApi((await request(app).get('/openapi.json')).body);
});
afterAll(async () => {
  await h?.teardown();
});

/** Ids and cursors from earlier answers, for the README's placeholders. */
const returned: { planMigration?: string; webhook?: string; apiKey?: string; quote?: string; cursor?: string | null; chargeId?: string } = {};

function remember(body: unknown): void {
  const { id, nextCursor, pendingPayment } = (body ?? {}) as { id?: unknown; nextCursor?: unknown; pendingPayment?: { chargeId?: unknown } | null };
  if (typeof pendingPayment?.chargeId === 'string') returned.chargeId = pendingPayment.chargeId;
  if (typeof id === 'string' && id.startsWith('pmg_')) returned.planMigration = id;
  if (typeof id === 'string' && id.startsWith('we_')) returned.webhook = id;
  if (typeof id === 'string' && id.startsWith('key_')) returned.apiKey = id;
  if (typeof id === 'string' && id.startsWith('quo_')) returned.quote = id;
  if (nextCursor !== undefined) returned.cursor = nextCursor as string | null;
}

function filled(text: string): string {
  const value = (what: string, known: string | undefined) => {
    if (known === undefined) throw new Error(`the README uses ${what} before an example returned one`);
    return known;
  };
  return text
    .replaceAll(KEY, h.adminKey)
    .replace(/pmg_…/g, () => value('a plan migration id', returned.planMigration))
    .replace(/we_[0-9a-f]{24}/g, () => value('a webhook endpoint id', returned.webhook))
    .replace(/key_[0-9a-f]{16}/g, () => value('an API key id', returned.apiKey))
    .replace(/quo_…/g, () => value('a quote id', returned.quote))
    .replace(/<nextCursor>/g, () => returned.cursor ?? '')
    .replace(/<chargeId>/g, () => value('a payment in flight', returned.chargeId));
}

test('README.md has curl examples to check', () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(15);
});

test.each(EXAMPLES.map((e): [number, string, CurlExample] => [e.line, `${e.method} ${e.target}`, e]))(
  'README line %i (%s) succeeds and answers as documented',
  async (_line, _what, example) => {
    const target = filled(example.target);
    let req = request(app)[example.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](target);
    for (const [name, value] of Object.entries(example.headers)) req = req.set(name, filled(value));
    if (example.body !== undefined) req = req.send(filled(example.body));
    const res = await req;
    const body = /json/.test(String(res.headers['content-type'])) ? res.body : res.text;
    expect([res.status, res.status >= 200 && res.status < 300 ? 'ok' : body]).toEqual([res.status, 'ok']);
    remember(body);

    const operation = api.operationFor(example.method, target.split('?')[0]!);
    expect(operation).toBeDefined();
    expect(api.answerErrors(operation!, res.status, res.headers['content-type'], body)).toEqual([]);
  },
);
