import request from 'supertest';
import type { PrismaClient } from '../../prisma/generated/client';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, type Driver } from '../support/lifecycle';
import { duplicateFamilies, series, valueOf } from '../support/prometheus';

let h: Harness;
let d: Driver;
let metrics: string;

const customer = (id: string) => ({ email: `${id}@example.com`, name: id });

/** A client that counts every call made through it (and fails it): a scrape must make none. */
function countingDatabase(): { prisma: PrismaClient; calls: () => number } {
  let calls = 0;
  const refuse: object = new Proxy(() => undefined, {
    get: () => refuse,
    apply: () => {
      calls += 1;
      throw new Error('/metrics queried the database');
    },
  });
  return { prisma: refuse as PrismaClient, calls: () => calls };
}

const families = (exposition: string) => [...exposition.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]!);

beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  await d.create({ id: 'm_pro', customer: customer('m_pro'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const recovered = await d.create({ id: 'm_recovered', customer: customer('m_recovered'), plan: 'basic-monthly', paymentMethod: 'pm_card_fail_first_1' });
  expect(recovered.status).toBe('incomplete');
  expect((await d.post('/subscriptions/m_recovered/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
  await d.get('m_pro');

  const res = await request(d.app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  metrics = res.text;
});
afterAll(async () => {
  await h?.teardown();
});

test('/metrics answers without an API key, in the Prometheus text format with each family declared once', async () => {
  const res = await request(rawTestApp(h)).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
  expect(duplicateFamilies(metrics)).toEqual([]);
});

test('/metrics publishes operational figures only: no revenue, churn, dunning, customer or subscription counts', () => {
  expect(families(metrics)).toEqual(['http_request_duration_seconds']);
  const names = [...new Set(metrics.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => /^[^{ ]+/.exec(line)![0]))];
  for (const business of [/mrr/i, /revenue/i, /churn/i, /dunning/i, /subscriptions/i, /customer/i, /charges/i, /offers/i, /business/i]) {
    expect(names.filter((name) => business.test(name))).toEqual([]);
  }
  // The label values do not carry them either (a route pattern names no subscription).
  expect(metrics).not.toMatch(/currency=|plan=|EUR|NOK|m_pro/);
});

test('a scrape never queries the database', async () => {
  const database = countingDatabase();
  const res = await request(rawTestApp(h, { prisma: database.prisma })).get('/metrics');
  expect(res.status).toBe(200);
  expect(database.calls()).toBe(0);
});

test('request latency is recorded per route pattern, never per raw path', () => {
  const count = (labels: Record<string, string>) => valueOf(metrics, 'http_request_duration_seconds_count', labels);
  expect(count({ method: 'POST', route: '/subscriptions', status: '201' })).toBe(2);
  expect(count({ method: 'POST', route: '/subscriptions/:id/payment-method', status: '200' })).toBe(1);
  expect(count({ method: 'GET', route: '/subscriptions/:id', status: '200' })).toBeGreaterThan(0);
  const routes = series(metrics, 'http_request_duration_seconds_count').map((row) => row.route);
  expect(routes.filter((route) => String(route).includes('m_'))).toEqual([]);
  expect(valueOf(metrics, 'http_request_duration_seconds_bucket', { method: 'POST', route: '/subscriptions', status: '201', le: '+Inf' })).toBe(2);
});
