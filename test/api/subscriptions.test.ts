import request from 'supertest';
import type { Express } from 'express';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';

let h: Harness;
let app: Express;
beforeAll(async () => {
  h = await startHarness();
  app = testApp(h);
});
afterAll(async () => {
  await h?.teardown();
});

const body = (overrides: Record<string, unknown> = {}) => ({
  id: 'sub_api_1',
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  plan: 'pro-monthly',
  paymentMethod: 'pm_card_visa',
  ...overrides,
});

describe('POST /subscriptions', () => {
  test('creates the customer, the subscription row and the workflow, and answers with the first charge outcome', async () => {
    const res = await request(app).post('/subscriptions').send(body());
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/subscriptions/sub_api_1');
    expect(res.body).toMatchObject({
      id: 'sub_api_1',
      workflowId: 'subscription-sub_api_1',
      status: 'active',
      plan: { code: 'pro-monthly', amountCents: 2900, currency: 'EUR' },
      latestInvoice: { status: 'paid', amountCents: 2900, attempts: 1 },
    });
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'sub_api_1' }, include: { customer: true } });
    expect(row.customer.email).toBe('ada@example.com');
    const description = await h.env.client.workflow.getHandle('subscription-sub_api_1').describe();
    expect(description.status.name).toBe('RUNNING');
  });

  test('repeating the request with the same id returns the existing subscription and starts no second workflow', async () => {
    const res = await request(app).post('/subscriptions').send(body());
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('sub_api_1');
    expect(res.body.runs.count).toBe(1);
    expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'sub_api_1' } })).toBe(1);
    expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-sub_api_1-' } } })).toBe(1);
  });

  test('the same id with a different plan is a conflict', async () => {
    const res = await request(app).post('/subscriptions').send(body({ plan: 'basic-monthly' }));
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('the same id for another customer is a conflict that writes no customer row', async () => {
    const customersBefore = await h.db.prisma.customer.count();
    const res = await request(app).post('/subscriptions').send(body({ customer: { email: 'mallory@example.com' } }));
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/belongs to another customer/);
    expect(await h.db.prisma.customer.count()).toBe(customersBefore);
    expect(await h.db.prisma.customer.findUnique({ where: { email: 'mallory@example.com' } })).toBeNull();
  });

  test('a sign-up with a known email joins that customer and starts with the billing profile it already has', async () => {
    const ada = await h.db.prisma.customer.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    const put = await request(app).put(`/customers/${ada.id}/billing-profile`).send({ legalName: 'Ada Lovelace', kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' } });
    expect(put.status).toBe(200);
    const customersBefore = await h.db.prisma.customer.count();
    const res = await request(app).post('/subscriptions').send(body({ id: 'sub_api_2', plan: 'basic-monthly' }));
    expect(res.status).toBe(201);
    expect(res.body.customer).toMatchObject({ id: ada.id, email: 'ada@example.com', billing: { legalName: 'Ada Lovelace', kind: 'consumer', version: 1 } });
    expect(await h.db.prisma.customer.count()).toBe(customersBefore);
    expect((await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'sub_api_2' } })).customerId).toBe(ada.id);
  });

  test('a customer id the email does not belong to is a conflict that writes no subscription row', async () => {
    const res = await request(app).post('/subscriptions').send(body({ id: 'sub_api_3', customer: { id: 'cus_not_ada', email: 'ada@example.com' } }));
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/email ada@example.com belongs to customer cus_/);
    expect(await h.db.prisma.subscription.count({ where: { id: 'sub_api_3' } })).toBe(0);
    expect(await h.db.prisma.customer.count({ where: { id: 'cus_not_ada' } })).toBe(0);
  });

  test('a new customer gets the id the request names', async () => {
    const res = await request(app).post('/subscriptions').send(body({ id: 'sub_api_4', customer: { id: 'cus_grace', email: 'grace@example.com', name: 'Grace Hopper' } }));
    expect(res.status).toBe(201);
    expect(res.body.customer).toMatchObject({ id: 'cus_grace', email: 'grace@example.com', name: 'Grace Hopper' });
    expect(await h.db.prisma.customer.findUniqueOrThrow({ where: { id: 'cus_grace' } })).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper' });
  });

  test.each([
    ['plan', { plan: 'platinum-monthly' }, 'unknown plan'],
    ['customer.email', { customer: { email: 'not-an-email' } }, ''],
    ['paymentMethod', { paymentMethod: 'visa 4242' }, 'payment method token'],
    ['trialDays', { trialDays: -1 }, ''],
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }, 'IANA'],
  ])('a bad %s is a 400 problem naming the field, and writes nothing', async (field, overrides, message) => {
    const before = await h.db.prisma.subscription.count();
    const res = await request(app).post('/subscriptions').send(body({ id: 'sub_rejected', ...overrides }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, type: '/problems/validation-error' });
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]));
    expect(await h.db.prisma.subscription.count()).toBe(before);
    await expect(h.env.client.workflow.getHandle('subscription-sub_rejected').describe()).rejects.toThrow();
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await request(app).post('/subscriptions').set('content-type', 'application/json').send('{"id": ');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('(body)');
  });
});

describe('POST /subscriptions with Prefer: respond-async', () => {
  const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('never settled');
  };

  test('answers 202 with Location before the first charge, and the subscription then opens with its outcome', async () => {
    const res = await request(app).post('/subscriptions').set('Prefer', 'wait=5, Respond-Async').send(body({ id: 'sub_async', customer: { email: 'async@example.com' } }));
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe('/subscriptions/sub_async');
    expect(res.headers['preference-applied']).toBe('respond-async');
    expect(res.body).toEqual({ id: 'sub_async', customerId: expect.any(String), plan: 'pro-monthly', status: 'incomplete', href: '/subscriptions/sub_async' });

    const opened = await eventually(
      () => request(app).get('/subscriptions/sub_async'),
      (r) => r.status === 200 && r.body.status !== 'incomplete',
    );
    expect(opened.body).toMatchObject({ status: 'active', latestInvoice: { status: 'paid', amountCents: 2900 } });
    // Repeated: accepted again, and still one workflow and one charge.
    const again = await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(body({ id: 'sub_async', customer: { email: 'async@example.com' } }));
    expect(again.status).toBe(202);
    expect((await request(app).get('/subscriptions/sub_async')).body.runs.count).toBe(1);
    expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-sub_async-' } } })).toBe(1);
  });

  test('a declined first charge is seen by polling: the subscription stays incomplete with the failed invoice', async () => {
    const res = await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(body({ id: 'sub_async_declined', customer: { email: 'declined@example.com' }, paymentMethod: 'pm_card_declined' }));
    expect(res.status).toBe(202);
    const seen = await eventually(
      () => request(app).get('/subscriptions/sub_async_declined'),
      (r) => r.status === 200 && (r.body.latestInvoice?.attempts ?? 0) > 0,
    );
    expect(seen.body).toMatchObject({ status: 'incomplete', latestInvoice: { attempts: 1 } });
    expect(seen.body.latestInvoice.status).not.toBe('paid');
  });

  test('bad input is still refused at once, before anything starts', async () => {
    const res = await request(app).post('/subscriptions').set('Prefer', 'respond-async').send(body({ id: 'sub_async_bad', plan: 'no-such-plan' }));
    expect(res.status).toBe(400);
    expect(await h.db.prisma.subscription.count({ where: { id: 'sub_async_bad' } })).toBe(0);
  });
});

describe('GET /subscriptions/:id', () => {
  test('returns the live state from the workflow', async () => {
    const res = await request(app).get('/subscriptions/sub_api_1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'sub_api_1', status: 'active', periodIndex: 0 });
    expect(new Date(res.body.nextBillingAt).getTime()).toBe(new Date(res.body.currentPeriod.end).getTime());
  });

  test('an unknown id is a 404 problem', async () => {
    const res = await request(app).get('/subscriptions/sub_nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, type: '/problems/not-found' });
  });

  test('an id with forbidden characters is a 400 problem', async () => {
    const res = await request(app).get('/subscriptions/bad%20id');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('id');
  });
});

test('GET /plans lists the seeded catalogue', async () => {
  const res = await request(app).get('/plans');
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ code: 'basic-monthly', amountCents: 900, currency: 'EUR', interval: { unit: 'month', count: 1 } }),
      expect.objectContaining({ code: 'business-yearly-nok', amountCents: 999_000, currency: 'NOK', trialDays: 14 }),
    ]),
  );
  expect(res.body.data).toHaveLength(12);
});

test('GET /healthz reports the database and Temporal', async () => {
  const res = await request(app).get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
});

describe('a control character in a catalogue code is refused before any lookup', () => {
  // PostgreSQL rejects NUL bytes in text; reaching it would answer 500.
  const nul = 'pro\u0000monthly';
  test.each([
    ['POST /subscriptions', () => request(app).post('/subscriptions').send(body({ id: 'sub_nul', plan: nul }))],
    ['POST …/plan', () => request(app).post('/subscriptions/sub_api_1/plan').send({ plan: nul })],
    ['GET …/plan-change/preview', () => request(app).get('/subscriptions/sub_api_1/plan-change/preview?plan=%00')],
    ['POST …/add-ons', () => request(app).post('/subscriptions/sub_api_1/add-ons').send({ code: nul, quantity: 1 })],
    ['POST …/coupon', () => request(app).post('/subscriptions/sub_api_1/coupon').send({ code: nul })],
    ['DELETE …/add-ons/:code', () => request(app).delete('/subscriptions/sub_api_1/add-ons/%00')],
    ['GET …/add-ons/:code/preview', () => request(app).get('/subscriptions/sub_api_1/add-ons/%00/preview?quantity=1')],
  ])('%s answers 400 naming the field', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.length).toBeGreaterThan(0);
  });
});
