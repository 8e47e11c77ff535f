// Webhooks under production's target rules (WEBHOOK_ALLOW_PRIVATE_TARGETS off): registration wants
// https:// and no internal host, and a name that resolves inside is refused at delivery, once,
// without a connection, and recorded as refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig, webhookTargets } from '../../infra/config';
import type { Resolver } from '../../infra/webhook-target';
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';

/** A server that would count any connection a delivery made to it. */
let trap: Server;
let trapConnections = 0;
let h: Harness;
let d: Driver;
// `.test` names exist in no DNS: this resolver is the only way to reach the trap.
const resolve: Resolver = async (hostname) => {
  if (hostname === 'internal.example.test') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
beforeAll(async () => {
  trap = createServer((_req, res) => res.end('ok'));
  trap.on('connection', () => (trapConnections += 1));
  await new Promise<void>((done) => trap.listen(0, '127.0.0.1', done));
  h = await startHarness({ webhookTargets: { allowPrivateTargets: false, resolve } });
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
  await new Promise((done) => trap?.close(done));
});

test('WEBHOOK_ALLOW_PRIVATE_TARGETS is off unless set to exactly true', () => {
  const env = { DATABASE_URL: 'postgresql://localhost/x' };
  expect(webhookTargets(loadConfig(env))).toEqual({ allowPrivateTargets: false });
  expect(webhookTargets(loadConfig({ ...env, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }))).toEqual({ allowPrivateTargets: false });
  expect(webhookTargets(loadConfig({ ...env, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }))).toEqual({ allowPrivateTargets: true });
  expect(() => loadConfig({ ...env, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS: must be true or false/);
});

describe('registering', () => {
  test.each([
    ['an http:// URL', 'http://crm.example.com/hooks', 'must be an https:// URL (http:// is for development only)'],
    ['the worker metrics port on loopback', 'https://127.0.0.1:9464/metrics', '127.0.0.1 is a loopback address'],
    ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['a private network host', 'https://10.1.2.3/hooks', '10.1.2.3 is a private address'],
    ['IPv6 loopback', 'https://[::1]:3000/hooks', '::1 is a loopback address'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks', '::ffff:7f00:1 is a loopback address'],
    ['an octal loopback spelling', 'https://0177.0.0.1/hooks', '127.0.0.1 is a loopback address'],
    ['localhost', 'https://localhost:3000/hooks', 'localhost is this machine'],
  ])('refuses %s with 400 problem+json on url', async (_what, url, message) => {
    const res = await request(d.app).post('/webhooks').send({ url });
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/validation-error', errors: [{ field: 'url', message }] });
  });

  test('accepts an https:// URL to a name: where it points is checked at each delivery', async () => {
    const res = await request(d.app).post('/webhooks').send({ url: 'https://crm.example.com/hooks' });
    expect(res.status).toBe(201);
    await request(d.app).delete(`/webhooks/${res.body.id}`).expect(200);
  });
});

test('a name resolving to loopback is refused at delivery: nothing sent, no retry, the log says why', async () => {
  const { port } = trap.address() as AddressInfo;
  const { body: endpoint } = await request(d.app).post('/webhooks').send({ url: `https://internal.example.test:${port}/hooks`, events: ['invoice.paid'] }).expect(201);
  await d.create({ id: 'wh_refused', customer: newCustomer('wh_refused'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const [row] = await eventually(
    async () => (await request(d.app).get(`/webhooks/${endpoint.id}/deliveries`).expect(200)).body.data as Record<string, unknown>[],
    (rows) => rows.length === 1 && rows[0]!.status === 'failed',
    'the delivery to fail',
  );
  expect(row).toMatchObject({
    eventType: 'invoice.paid',
    status: 'failed',
    attempts: 1,
    lastStatusCode: null,
    lastError: 'refused: internal.example.test resolves to 127.0.0.1, a loopback address',
    lastLatencyMs: null,
    lastResponseBytes: null,
    deliveredAt: null,
  });
  expect(trapConnections).toBe(0);
});
