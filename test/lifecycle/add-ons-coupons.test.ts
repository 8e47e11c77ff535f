import request from 'supertest';
import type { SubscriptionView } from '../../workflows/contract';
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

function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

async function renewOnce(id: string, s: SubscriptionView): Promise<SubscriptionView> {
  await d.advanceTo(s.currentPeriod.end);
  return d.until(id, (x) => x.periodIndex === s.periodIndex + 1 && x.latestInvoice?.status === 'paid', `${id} renewal`);
}

const linesOf = async (invoiceNumber: string) =>
  (await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: invoiceNumber } }, orderBy: { position: 'asc' } })).map((l) => [l.kind, l.amountCents]);

test('an extra seat added mid-period: the next invoice bills the rest of this period prorated, and the seat in full from then on', async () => {
  const created = await d.create({ id: 'seat', customer: newCustomer('seat'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(10 * DAY);
  const res = await d.post('/subscriptions/seat/add-ons', { code: 'extra-seat', quantity: 2 });
  expect(res.status).toBe(200);
  const added = res.body as SubscriptionView;
  expect(added.addOns).toEqual([expect.objectContaining({ code: 'extra-seat', quantity: 2, unitAmountCents: 500 })]);
  const proration = prorated(1000, created.currentPeriod, added.pendingItems[0]!.periodStart!);
  expect(added.pendingItems).toEqual([expect.objectContaining({ kind: 'proration_charge', amountCents: proration })]);
  // Nothing is charged until the renewal.
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'seat' } })).toBe(1);

  const renewed = await renewOnce('seat', created);
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual([
    ['subscription', 2900],
    ['addon', 1000],
    ['proration_charge', proration],
  ]);
  expect(renewed.latestInvoice!.amountCents).toBe(2900 + 1000 + proration);
  expect(renewed.pendingItems).toEqual([]);

  // Down to one seat ten days into the next period: a credit on the following invoice.
  await d.advance(10 * DAY);
  const reduced = (await d.post('/subscriptions/seat/add-ons', { code: 'extra-seat', quantity: 1 })).body as SubscriptionView;
  const credit = prorated(500, renewed.currentPeriod, reduced.pendingItems[0]!.periodStart!);
  const next = await renewOnce('seat', renewed);
  expect(await linesOf(next.latestInvoice!.number)).toEqual([
    ['subscription', 2900],
    ['addon', 500],
    ['proration_credit', -credit],
  ]);

  // Removed entirely: from the next period only the plan.
  const removed = await request(d.app).delete('/subscriptions/seat/add-ons/extra-seat');
  expect(removed.status).toBe(200);
  expect(removed.body.addOns).toEqual([]);
  expect((await request(d.app).delete('/subscriptions/seat/add-ons/extra-seat')).status).toBe(409);
  // An add-on the catalogue does not have is a resource that does not exist, not a bad request.
  const unknown = await request(d.app).delete('/subscriptions/seat/add-ons/gold-bars');
  expect(unknown.status).toBe(404);
  expect(unknown.body.detail).toBe('no add-on has the code gold-bars');
});

test('the preview of an add-on quantity is what the confirmed change puts on the next invoice', async () => {
  const created = await d.create({ id: 'seat_preview', customer: newCustomer('seat-preview'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(10 * DAY + 12_345);
  const before = await d.get('seat_preview');
  const preview = await request(d.app).get('/subscriptions/seat_preview/add-ons/extra-seat/preview').query({ quantity: 3 });
  expect(preview.status).toBe(200);
  const previewAt: string = preview.body.lines[0].periodStart;
  expect(preview.body).toMatchObject({
    allowed: true,
    code: 'extra-seat',
    quantityBefore: 0,
    quantityAfter: 3,
    lines: [expect.objectContaining({ kind: 'proration_charge', amountCents: prorated(1500, created.currentPeriod, previewAt) })],
    totalCents: prorated(1500, created.currentPeriod, previewAt),
    billedAt: created.currentPeriod.end,
    recurringCentsBefore: 2900,
    recurringCentsAfter: 2900 + 1500,
  });
  // The preview changed nothing.
  expect((await d.get('seat_preview')).version).toBe(before.version);

  const confirmed = (await d.post('/subscriptions/seat_preview/add-ons', { code: 'extra-seat', quantity: 3 })).body as SubscriptionView;
  const changedAt = confirmed.pendingItems[0]!.periodStart!;
  const renewed = await renewOnce('seat_preview', created);
  const lines = await linesOf(renewed.latestInvoice!.number);
  expect(lines).toEqual([
    ['subscription', 2900],
    ['addon', 1500],
    ['proration_charge', prorated(1500, created.currentPeriod, changedAt)],
  ]);
  // The same computation: identical amounts when the preview and the change fall in the same second.
  if (Math.floor(Date.parse(previewAt) / 1000) === Math.floor(Date.parse(changedAt) / 1000)) {
    expect(lines[2]![1]).toBe(preview.body.totalCents);
  }
  expect(renewed.latestInvoice!.amountCents).toBe(preview.body.recurringCentsAfter + (lines[2]![1] as number));

  // What the change would refuse, the preview refuses with the same reason.
  const refused = await request(d.app).get('/subscriptions/seat_preview/add-ons/extra-storage/preview').query({ quantity: 0 });
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toBe('the subscription has no extra-storage');
  expect((await request(d.app).get('/subscriptions/seat_preview/add-ons/extra-seat/preview').query({ quantity: 'many' })).status).toBe(400);
  expect((await request(d.app).get('/subscriptions/seat_preview/add-ons/gold-bar/preview').query({ quantity: 1 })).status).toBe(404);
});

test('a one-time product is billed once, on the next invoice, at its full price', async () => {
  const created = await d.create({ id: 'kit', customer: newCustomer('kit'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/kit/add-ons', { code: 'welcome-kit', quantity: 1 })).status).toBe(200);
  const renewed = await renewOnce('kit', created);
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual([
    ['subscription', 900],
    ['addon', 2500],
  ]);
  const after = await renewOnce('kit', renewed);
  expect(await linesOf(after.latestInvoice!.number)).toEqual([['subscription', 900]]);
});

test('a coupon for 3 periods takes 20% off the next three invoices (plan and add-ons), then full price', async () => {
  let s = await d.create({ id: 'coupon', customer: newCustomer('coupon'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.post('/subscriptions/coupon/add-ons', { code: 'extra-storage', quantity: 1 });
  s = await renewOnce('coupon', s); // the add-on's first full period, with its proration, no coupon yet
  const applied = await d.post('/subscriptions/coupon/coupon', { code: 'WELCOME20' });
  expect(applied.status).toBe(200);
  expect(applied.body.discount).toMatchObject({ code: 'WELCOME20', percentOff: 20, remainingPeriods: 3 });

  const amounts: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    s = await renewOnce('coupon', s);
    amounts.push(s.latestInvoice!.amountCents);
  }
  // 29.00 + 3.00 = 32.00, less 20% (6.40) = 25.60 three times; then 32.00.
  expect(amounts).toEqual([2560, 2560, 2560, 3200]);
  expect(s.discount).toBeNull();
  const discounted = await h.db.prisma.invoiceLine.count({ where: { kind: 'discount', invoice: { subscriptionId: 'coupon' } } });
  expect(discounted).toBe(3);
});

test('coupons and add-ons that do not fit are refused', async () => {
  await d.create({ id: 'refuse_extras', customer: newCustomer('refuse-extras'), plan: 'pro-monthly-nok', paymentMethod: 'pm_card_visa' });
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['/subscriptions/refuse_extras/coupon', { code: 'NOPE' }, 400, 'unknown coupon'],
    ['/subscriptions/refuse_extras/coupon', { code: 'LOYAL5' }, 409, 'for EUR subscriptions'],
    ['/subscriptions/refuse_extras/add-ons', { code: 'gold-bars', quantity: 1 }, 400, 'unknown add-on'],
    ['/subscriptions/refuse_extras/add-ons', { code: 'extra-seat', quantity: 1001 }, 400, ''],
    ['/subscriptions/refuse_extras/add-ons', { code: 'welcome-kit', quantity: 0 }, 409, 'buy at least one'],
  ];
  for (const [path, body, status, detail] of cases) {
    const res = await d.post(path, body);
    expect([path, res.status]).toEqual([path, status]);
    expect(res.body.detail).toContain(detail);
  }
  expect((await request(d.app).delete('/subscriptions/refuse_extras/coupon')).status).toBe(409);
  // A NOK subscription pays the NOK price.
  const seat = await d.post('/subscriptions/refuse_extras/add-ons', { code: 'extra-seat', quantity: 1 });
  expect(seat.body.addOns[0].unitAmountCents).toBe(5000);
});

test('the catalogue lists add-ons and coupons', async () => {
  const addOns = await request(d.app).get('/add-ons');
  // In the order they were created (the admin lists' keyset order): the seed's metered ones last.
  expect(addOns.body.data.map((a: { code: string }) => a.code).sort()).toEqual(['active-users', 'api-calls', 'extra-seat', 'extra-storage', 'monthly-box', 'welcome-kit']);
  expect(addOns.body.data.find((a: { code: string }) => a.code === 'api-calls')).toMatchObject({ code: 'api-calls', kind: 'metered', prices: {}, pricing: { model: 'graduated', aggregation: 'sum', includedUnits: 1_000 } });
  const coupons = await request(d.app).get('/coupons');
  expect(coupons.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'WELCOME20', percentOff: 20, duration: 'repeating', durationPeriods: 3 })]));
});
