import request from 'supertest';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, type Driver } from '../support/lifecycle';
import { duplicateFamilies, series, valueOf } from '../support/prometheus';

let h: Harness;
let d: Driver;
let metrics: string;

const customer = (id: string) => ({ email: `${id}@example.com`, name: id });

beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  // Four subscriptions, then one billing period: two renewals paid, one first payment recovered
  // with a new card, one first payment never completed.
  const pro = await d.create({ id: 'm_pro', customer: customer('m_pro'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'm_nok', customer: customer('m_nok'), plan: 'pro-yearly-nok', paymentMethod: 'pm_card_visa' });
  const recovered = await d.create({ id: 'm_recovered', customer: customer('m_recovered'), plan: 'basic-monthly', paymentMethod: 'pm_card_fail_first_1' });
  expect(recovered.status).toBe('incomplete');
  expect((await d.post('/subscriptions/m_recovered/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
  expect((await d.create({ id: 'm_stolen', customer: customer('m_stolen'), plan: 'basic-monthly', paymentMethod: 'pm_card_stolen' })).status).toBe('incomplete');

  await d.advanceTo(new Date(new Date(pro.currentPeriod.end).getTime() + 3_600_000).toISOString());
  await d.until('m_pro', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
  await d.until('m_recovered', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
  await d.until('m_stolen', (s) => s.status === 'incomplete_expired');
  await d.get('m_nok');

  // Offers are recorded by the upsell workflow path (test/lifecycle/upsell.test.ts); here only their count matters.
  const offer = { subscriptionId: 'm_pro', ruleId: 'rule', fromPlanCode: 'pro-monthly', toPlanCode: 'business-monthly', percentOff: 10 };
  const dates = { createdAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) };
  await h.db.prisma.offer.createMany({
    data: [
      { id: 'offer_open', status: 'open', ...offer, discountPeriods: 3, currency: 'EUR', mrrDeltaCents: 7000, ...dates },
      { id: 'offer_yes_1', status: 'accepted', ...offer, discountPeriods: 3, currency: 'EUR', mrrDeltaCents: 7000, ...dates },
      { id: 'offer_yes_2', status: 'accepted', ...offer, discountPeriods: 3, currency: 'EUR', mrrDeltaCents: 7000, ...dates },
    ],
  });

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
  expect(res.text).toContain('# TYPE mrr_cents gauge');
  expect(duplicateFamilies(metrics)).toEqual([]);
  expect(valueOf(metrics, 'business_metrics_up')).toBe(1);
});

test('subscriptions are counted by status and plan', () => {
  expect(series(metrics, 'subscriptions')).toEqual(
    expect.arrayContaining([
      { status: 'active', plan: 'pro-monthly', value: 1 },
      { status: 'active', plan: 'pro-yearly-nok', value: 1 },
      { status: 'active', plan: 'basic-monthly', value: 1 },
      { status: 'incomplete_expired', plan: 'basic-monthly', value: 1 },
    ]),
  );
  expect(series(metrics, 'subscriptions')).toHaveLength(4);
});

test('MRR is the monthly list price of active subscriptions per currency, a yearly plan counting a twelfth', () => {
  // EUR: pro-monthly 2900 + basic-monthly 900; NOK: pro-yearly-nok 299 000 / 12, rounded.
  expect(series(metrics, 'mrr_cents')).toEqual(
    expect.arrayContaining([
      { currency: 'EUR', value: 3800 },
      { currency: 'NOK', value: 24917 },
    ]),
  );
  expect(series(metrics, 'mrr_cents')).toHaveLength(2);
});

test('charges are counted by outcome, and an invoice paid after a decline is a dunning recovery', () => {
  // Succeeded: m_pro twice, m_nok, m_recovered with the new card and at renewal. Declined:
  // m_recovered's first attempt, m_stolen.
  expect(series(metrics, 'charges_total')).toEqual(
    expect.arrayContaining([
      { outcome: 'succeeded', value: 5 },
      { outcome: 'declined', value: 2 },
    ]),
  );
  expect(valueOf(metrics, 'dunning_recoveries_total')).toBe(1);
});

test('offers are counted by status, and accepted offers on their own counter', () => {
  expect(series(metrics, 'offers')).toEqual(
    expect.arrayContaining([
      { status: 'open', value: 1 },
      { status: 'accepted', value: 2 },
    ]),
  );
  expect(valueOf(metrics, 'offers_accepted_total')).toBe(2);
});

test('request latency is recorded per route pattern, never per raw path', () => {
  const count = (labels: Record<string, string>) => valueOf(metrics, 'http_request_duration_seconds_count', labels);
  expect(count({ method: 'POST', route: '/subscriptions', status: '201' })).toBe(4);
  expect(count({ method: 'POST', route: '/subscriptions/:id/payment-method', status: '200' })).toBe(1);
  expect(count({ method: 'GET', route: '/subscriptions/:id', status: '200' })).toBeGreaterThan(0);
  const routes = series(metrics, 'http_request_duration_seconds_count').map((row) => row.route);
  expect(routes.filter((route) => String(route).includes('m_'))).toEqual([]);
  expect(valueOf(metrics, 'http_request_duration_seconds_bucket', { method: 'POST', route: '/subscriptions', status: '201', le: '+Inf' })).toBe(4);
});
