import request from 'supertest';
import type { Harness } from '../support/harness';
import { retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await h?.teardown();
});

/** Independent of the domain code: price × remaining whole seconds ÷ period seconds, rounded. */
function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

const get = (path: string, query: Record<string, string | number> = {}) => request(d.app).get(path).query(query);

/** Follows nextCursor to the end; every page must be full except the last. */
async function allPages(path: string, query: Record<string, string | number>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(path, { ...query, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    pages += 1;
    ids.push(...(res.body.data as Array<{ id: string }>).map((row) => row.id));
    cursor = res.body.nextCursor;
    if (cursor) expect(res.body.data).toHaveLength(Number(query.limit));
  } while (cursor);
  return { ids, pages };
}

/** The expected order, computed without the API: creation time, then id. */
async function expectedIds(where: { planCode?: string; status?: 'active' | 'incomplete'; customerId?: string }): Promise<string[]> {
  const rows = await h.db.prisma.subscription.findMany({ where, select: { id: true, createdAt: true } });
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((row) => row.id);
}

describe('GET /subscriptions', () => {
  beforeAll(async () => {
    const shared = newCustomer('shared');
    for (const [id, plan, paymentMethod] of [
      ['list_pro_1', 'pro-monthly', 'pm_card_visa'],
      ['list_pro_2', 'pro-monthly', 'pm_card_visa'],
      ['list_pro_declined', 'pro-monthly', 'pm_card_declined'],
      ['list_basic_1', 'basic-monthly', 'pm_card_visa'],
      ['list_basic_2', 'basic-monthly', 'pm_card_visa'],
    ] as const) {
      await d.create({ id, customer: id.endsWith('_1') ? shared : newCustomer(id), plan, paymentMethod });
    }
    // Projection rows created in one millisecond: only the id tells them apart.
    const customer = await h.db.prisma.customer.create({ data: { id: 'cus_bulk', email: 'bulk@example.com' } });
    const createdAt = new Date('2026-01-01T00:00:00.000Z');
    await h.db.prisma.subscription.createMany({
      data: ['bulk_e', 'bulk_a', 'bulk_d', 'bulk_b', 'bulk_c'].map((id) => ({
        id,
        workflowId: `subscription-${id}`,
        customerId: customer.id,
        planCode: 'pro-monthly',
        status: 'active' as const,
        paymentMethod: 'pm_card_visa',
        createdAt,
      })),
    });
  });

  test.each([
    ['no filter', {}, {}],
    ['a plan', { plan: 'pro-monthly' }, { planCode: 'pro-monthly' }],
    ['a status and a plan', { status: 'active', plan: 'pro-monthly' }, { status: 'active' as const, planCode: 'pro-monthly' }],
    ['a status', { status: 'incomplete' }, { status: 'incomplete' as const }],
    ['a customer', { customer: 'cus_bulk' }, { customerId: 'cus_bulk' }],
  ])('pages filtered by %s cover every matching row exactly once, in creation order', async (_what, filter, where) => {
    for (const limit of [1, 2, 3]) {
      const { ids, pages } = await allPages('/subscriptions', { ...filter, limit });
      const expected = await expectedIds(where);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    }
  });

  test('the rows carry the projection, and the default page is 20', async () => {
    const res = await get('/subscriptions', { plan: 'basic-monthly' });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data[0]).toMatchObject({ id: 'list_basic_1', planCode: 'basic-monthly', status: 'active', periodIndex: 0, grandfathered: false, cancelAtPeriodEnd: false });
    expect(res.body.data[0].currentPeriodEnd).toMatch(/^\d{4}-\d\d-\d\dT/);
    const all = await get('/subscriptions');
    expect(all.body.data).toHaveLength(Math.min(20, await h.db.prisma.subscription.count()));
  });

  test('a subscription created while a client pages shows up once, on a later page', async () => {
    const first = await get('/subscriptions', { plan: 'pro-monthly', limit: 2 });
    await d.create({ id: 'list_pro_late', customer: newCustomer('late'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    const rest = await allPages('/subscriptions', { plan: 'pro-monthly', limit: 2, cursor: first.body.nextCursor });
    const ids = [...first.body.data.map((row: { id: string }) => row.id), ...rest.ids];
    expect(ids).toEqual(await expectedIds({ planCode: 'pro-monthly' }));
    expect(ids.filter((id) => id === 'list_pro_late')).toHaveLength(1);
  });

  test.each([
    ['status', { status: 'frozen' }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 101 }],
    ['limit', { limit: 'ten' }],
    ['cursor', { cursor: 'not-a-cursor' }],
    ['cursor', { cursor: Buffer.from('{"at":"yesterday","id":"x"}').toString('base64url') }],
  ])('a bad %s is a 400 problem naming it', async (field, query) => {
    const res = await get('/subscriptions', query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  test('a forged cursor, even one that decodes to a well-formed position in year 0, is a 400 problem', async () => {
    const forged = (position: object) => Buffer.from(JSON.stringify(position)).toString('base64url');
    for (const cursor of [forged({ at: '0000-01-01T00:00:00Z', id: 'x' }), forged({ at: 'yesterday', id: 'x' }), 'not-base64-json']) {
      for (const path of ['/subscriptions', '/api-keys', '/audit-events']) {
        const res = await get(path, { cursor });
        expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 400, 'cursor']);
      }
    }
  });

  test('an unknown parameter is a 400 problem, not silently ignored', async () => {
    const res = await get('/subscriptions', { sort: 'id' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('sort');
  });

  test('an empty filter is no filter', async () => {
    const res = await get('/subscriptions', { status: '', plan: '', customer: '', limit: 100 });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(await h.db.prisma.subscription.count());
  });
});

describe('GET /subscriptions/:id: the stored view, or the workflow', () => {
  const read = (id: string, consistency?: 'strong') => request(d.app).get(`/subscriptions/${id}`).query(consistency ? { consistency } : {});

  /** The same answer, byte for byte, from the projection row and from the workflow. */
  async function expectSameAnswers(id: string): Promise<Record<string, unknown>> {
    const [eventual, strong] = [await read(id), await read(id, 'strong')];
    expect([eventual.status, eventual.headers['x-consistency'], strong.status, strong.headers['x-consistency']]).toEqual([200, 'eventual', 200, 'strong']);
    expect(eventual.text).toBe(strong.text);
    return eventual.body;
  }

  test('answers from the projection what the workflow answers, after a sign-up, a plan change and a renewal', async () => {
    const created = await d.create({ id: 'view_1', customer: newCustomer('view-1'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    expect(await expectSameAnswers('view_1')).toEqual(created);

    // Read-your-writes: the command answers after its step wrote the view, so a read right after
    // it (no waiting for the workflow to settle) already shows the change.
    const changed = await request(d.app).post('/subscriptions/view_1/plan').send({ plan: 'business-monthly' });
    expect(changed.status).toBe(200);
    const right = await read('view_1');
    expect(right.headers['x-consistency']).toBe('eventual');
    expect(right.body).toEqual(changed.body.subscription);
    expect(right.body.plan.code).toBe('business-monthly');
    expect(await expectSameAnswers('view_1')).toMatchObject({ plan: { code: 'business-monthly' } });

    await d.advanceTo(created.currentPeriod.end);
    await d.until('view_1', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal');
    // The renewal handed over to a new run (continue-as-new), which counts itself in `runs`; the
    // stored view learns that with the run's first step. Everything else is the same.
    const [eventual, strong] = [(await read('view_1')).body, (await read('view_1', 'strong')).body];
    expect({ ...eventual, runs: strong.runs }).toEqual(strong);
    expect([eventual.runs.count, strong.runs.count]).toEqual([1, 2]);
    expect(eventual).toMatchObject({ periodIndex: 1, plan: { code: 'business-monthly' }, latestInvoice: { status: 'paid' } });
  });

  test('asks the workflow when the row holds no view of the current shape, or one older than the row', async () => {
    await d.create({ id: 'view_2', customer: newCustomer('view-2'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    const strong = (await read('view_2', 'strong')).body;
    // Written by an older worker: the row moved on without its view.
    await h.db.prisma.$executeRaw`UPDATE "Subscription" SET "stateVersion" = "stateVersion" + 1 WHERE "id" = 'view_2'`;
    expect((await read('view_2')).headers['x-consistency']).toBe('strong');
    await h.db.prisma.$executeRaw`UPDATE "Subscription" SET "stateVersion" = "stateVersion" - 1, "viewShape" = 0 WHERE "id" = 'view_2'`;
    const older = await read('view_2');
    expect([older.headers['x-consistency'], older.body]).toEqual(['strong', strong]);
    await h.db.prisma.$executeRaw`UPDATE "Subscription" SET "view" = NULL WHERE "id" = 'view_2'`;
    expect((await read('view_2')).headers['x-consistency']).toBe('strong');
  });

  test('an unknown consistency or parameter is a 400 problem; an unknown id is 404 either way', async () => {
    for (const query of [{ consistency: 'linearizable' }, { consistancy: 'strong' }]) {
      const res = await request(d.app).get('/subscriptions/view_1').query(query);
      expect(res.status).toBe(400);
    }
    expect((await read('view_nope')).status).toBe(404);
    expect((await read('view_nope', 'strong')).status).toBe(404);
  });
});

describe('GET /customers/:id', () => {
  test('returns the customer with all their subscriptions', async () => {
    const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'list_pro_1' } });
    const res = await get(`/customers/${row.customerId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: row.customerId, email: 'shared@example.com', name: 'shared' });
    expect(res.body.subscriptions.map((s: { id: string }) => s.id)).toEqual(['list_pro_1', 'list_basic_1']);
  });
});

describe('invoices', () => {
  test('an invoice, by number or id, has its lines, payment attempts and refunds to the cent', async () => {
    const created = await d.create({ id: 'inv_detail', customer: newCustomer('inv-detail'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    await d.advance(10 * DAY + 12_345);
    const upgraded = await d.post('/subscriptions/inv_detail/plan', { plan: 'pro-monthly' });
    expect(upgraded.status).toBe(200);
    const { effectiveAt } = upgraded.body;
    const credit = prorated(900, created.currentPeriod, effectiveAt);
    const charge = prorated(2900, created.currentPeriod, effectiveAt);

    await d.advance(5 * DAY);
    const canceled = await d.post('/subscriptions/inv_detail/cancel', { when: 'now', refund: 'prorated' });
    expect(canceled.status).toBe(200);
    // The unused Pro time is refunded, newest charge first: the proration invoice, then the rest from the period's invoice.
    const unused = prorated(2900, created.currentPeriod, canceled.body.endedAt);
    const refund = Math.min(charge - credit, unused);

    const byNumber = await get('/invoices/INV-inv_detail-0002');
    expect(byNumber.status).toBe(200);
    expect(byNumber.body).toMatchObject({
      reference: 'INV-inv_detail-0002',
      subscriptionId: 'inv_detail',
      billingReason: 'subscription_update',
      currency: 'EUR',
      subtotalCents: charge - credit,
      amountCents: charge - credit,
      status: 'paid',
      paidAt: effectiveAt,
      refundedCents: refund,
    });
    expect(byNumber.body.lines).toEqual([
      expect.objectContaining({ position: 0, kind: 'proration_credit', quantity: 1, amountCents: -credit, periodStart: effectiveAt, periodEnd: created.currentPeriod.end }),
      expect.objectContaining({ position: 1, kind: 'proration_charge', quantity: 1, amountCents: charge, periodStart: effectiveAt, periodEnd: created.currentPeriod.end }),
    ]);
    expect(byNumber.body.paymentAttempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', amountCents: charge - credit, currency: 'EUR', paymentMethod: 'pm_card_visa', declineCode: null }),
    ]);
    expect(byNumber.body.creditNotes).toEqual([expect.objectContaining({ amountCents: refund, currency: 'EUR', reason: 'cancellation', createdAt: canceled.body.endedAt })]);

    const byId = await get(`/invoices/${byNumber.body.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(byNumber.body);

    const first = await get('/invoices/INV-inv_detail-0001');
    expect(first.body).toMatchObject({ amountCents: 900, subtotalCents: 900, periodIndex: 0, billingReason: 'subscription_create', refundedCents: unused - refund });
    expect(first.body.lines.map((l: { amountCents: number }) => l.amountCents)).toEqual([900]);
  });

  test('a subscription\'s invoices come newest first, a page at a time; a declined attempt is on its invoice', async () => {
    const created = await d.create({ id: 'inv_list', customer: newCustomer('inv-list'), plan: 'pro-monthly', paymentMethod: 'pm_card_fail_first_1' });
    expect(created.status).toBe('incomplete');
    expect((await d.post('/subscriptions/inv_list/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
    await d.advanceTo(created.currentPeriod.end);
    const renewed = await d.until('inv_list', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    await d.advanceTo(renewed.currentPeriod.end);
    await d.until('inv_list', (s) => s.periodIndex === 2 && s.latestInvoice?.status === 'paid');

    const { ids, pages } = await allPages('/subscriptions/inv_list/invoices', { limit: 2 });
    const numbers = (await h.db.prisma.invoice.findMany({ where: { id: { in: ids } } })).map((i) => [i.id, i.reference]);
    expect(ids.map((id) => numbers.find(([rowId]) => rowId === id)![1])).toEqual(['INV-inv_list-0003', 'INV-inv_list-0002', 'INV-inv_list-0001']);
    expect(pages).toBe(2);

    const first = await get('/invoices/INV-inv_list-0001');
    expect(first.body.paymentAttempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'declined', declineCode: expect.any(String), declineType: 'soft', amountCents: 2900 }),
      expect.objectContaining({ attempt: 2, outcome: 'succeeded', paymentMethod: 'pm_card_visa', amountCents: 2900 }),
    ]);
  });
});

describe('GET /subscriptions/:id/timeline', () => {
  test('lists status changes, invoices, payments, refunds and emails in the order they happened', async () => {
    const created = await d.create({ id: 'timeline', customer: newCustomer('timeline'), plan: 'basic-monthly', paymentMethod: 'pm_card_fail_first_1' });
    await d.post('/subscriptions/timeline/payment-method', { paymentMethod: 'pm_card_visa' });
    await d.advanceTo(created.currentPeriod.end);
    await d.until('timeline', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    await d.advance(DAY);
    expect((await d.post('/subscriptions/timeline/cancel', { when: 'now', refund: 'prorated' })).status).toBe(200);
    await d.emails('timeline', 5);

    const res = await get('/subscriptions/timeline/timeline');
    expect(res.status).toBe(200);
    const events = res.body.events as Array<{ at: string; type: string; [key: string]: unknown }>;
    const times = events.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    const story = events
      .filter((e) => e.type !== 'email')
      .map((e) => [e.type, e.to ?? e.invoice ?? '', e.outcome ?? ''].join(' ').trim());
    expect(story).toEqual([
      'status_changed incomplete',
      'invoice_issued INV-timeline-0001',
      'payment_attempted INV-timeline-0001 declined',
      'payment_attempted INV-timeline-0001 succeeded',
      'status_changed active',
      'invoice_issued INV-timeline-0002',
      'payment_attempted INV-timeline-0002 succeeded',
      'refund_issued INV-timeline-0002',
      'status_changed canceled',
    ]);
    const emails = events.filter((e) => e.type === 'email');
    expect(emails.map((e) => e.template)).toEqual(expect.arrayContaining(['welcome', 'receipt', 'canceled']));
    // Each email follows the step that sent it.
    const canceledAt = events.find((e) => e.type === 'status_changed' && e.to === 'canceled')!.at;
    expect(emails.find((e) => e.template === 'canceled')!.at).toBe(canceledAt);
    expect(events.indexOf(emails.find((e) => e.template === 'canceled')!)).toBeGreaterThan(events.findIndex((e) => e.type === 'status_changed' && e.to === 'canceled'));
  });
});

describe('PUT /subscriptions/:id/grandfathered', () => {
  test('sets the flag, and the workflow\'s own writes to the row leave it alone', async () => {
    const created = await d.create({ id: 'grandpa', customer: newCustomer('grandpa'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    const res = await request(d.app).put('/subscriptions/grandpa/grandfathered').send({ grandfathered: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'grandpa', grandfathered: true, planCode: 'basic-monthly' });
    const before = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'grandpa' } });

    await d.advanceTo(created.currentPeriod.end);
    await d.until('grandpa', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    const after = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'grandpa' } });
    expect(after.stateVersion).toBeGreaterThan(before.stateVersion);
    expect(after.periodIndex).toBe(1);
    expect(after.grandfathered).toBe(true);

    const cleared = await request(d.app).put('/subscriptions/grandpa/grandfathered').send({ grandfathered: false });
    expect(cleared.body.grandfathered).toBe(false);
  });

  test.each([[{}], [{ grandfathered: 'yes' }], [{ grandfathered: true, plan: 'x' }]])('a bad body %j is a 400 problem', async (body) => {
    const res = await request(d.app).put('/subscriptions/grandpa/grandfathered').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

test.each([
  ['GET', '/customers/cus_nobody'],
  ['GET', '/subscriptions/sub_nobody/invoices'],
  ['GET', '/subscriptions/sub_nobody/timeline'],
  ['GET', '/invoices/INV-nobody-0001'],
  ['PUT', '/subscriptions/sub_nobody/grandfathered'],
])('%s %s of an unknown id is a 404 problem', async (method, path) => {
  const res = method === 'GET' ? await get(path) : await request(d.app).put(path).send({ grandfathered: true });
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 404, type: '/problems/not-found' });
});
