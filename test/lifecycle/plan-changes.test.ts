import request from 'supertest';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

/** Independent of the domain code: price × remaining whole seconds ÷ period seconds, rounded. */
function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

const linesOf = async (invoiceNumber: string) =>
  (
    await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: invoiceNumber } }, orderBy: { position: 'asc' } })
  ).map((line) => ({ kind: line.kind, amountCents: line.amountCents, description: line.description }));

test('an upgrade now bills the unused old price as credit and the new price for the rest of the period, to the second', async () => {
  const created = await d.create({ id: 'up_now', customer: newCustomer('up-now'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(10 * DAY + 12_345);

  const before = await d.get('up_now');
  const preview = await request(d.app).get('/subscriptions/up_now/plan-change/preview').query({ plan: 'pro-monthly' });
  expect(preview.status).toBe(200);
  const previewAt: string = preview.body.invoice.issuedAt;
  expect(preview.body).toMatchObject({ allowed: true, timing: 'now' });
  expect(preview.body.invoice.lines.map((l: { amountCents: number }) => l.amountCents)).toEqual([
    -prorated(900, created.currentPeriod, previewAt),
    prorated(2900, created.currentPeriod, previewAt),
  ]);
  // The preview changed nothing.
  expect((await d.get('up_now')).version).toBe(before.version);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'up_now' } })).toBe(1);

  const res = await d.post('/subscriptions/up_now/plan', { plan: 'pro-monthly' });
  expect(res.status).toBe(200);
  const { effectiveAt, invoice, subscription } = res.body;
  expect(res.body.timing).toBe('now');
  const credit = prorated(900, created.currentPeriod, effectiveAt);
  const charge = prorated(2900, created.currentPeriod, effectiveAt);
  expect(invoice).toMatchObject({ status: 'paid', amountCents: charge - credit, billingReason: 'subscription_update', periodIndex: null });
  expect(await linesOf(invoice.number)).toEqual([
    { kind: 'proration_credit', amountCents: -credit, description: expect.stringContaining('Unused time on Basic monthly') },
    { kind: 'proration_charge', amountCents: charge, description: expect.stringContaining('Remaining time on Pro monthly') },
  ]);
  // Same rule as the preview: identical amounts when both fall in the same second.
  if (Math.floor(Date.parse(previewAt) / 1000) === Math.floor(Date.parse(effectiveAt) / 1000)) {
    expect(invoice.amountCents).toBe(preview.body.invoice.amountCents);
  }
  expect(subscription).toMatchObject({ plan: { code: 'pro-monthly' }, currentPeriod: created.currentPeriod, anchor: created.anchor });
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: invoice.number } })).toBe(1);
  expect(await d.emails('up_now', 4)).toEqual(['receipt', 'welcome', 'plan_changed', 'receipt']);

  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('up_now', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
  expect(renewed.latestInvoice!.amountCents).toBe(2900);
});

test('changing plan twice in one period credits each stretch of time once (no double credit)', async () => {
  const created = await d.create({ id: 'up_twice', customer: newCustomer('up-twice'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(10 * DAY);
  const first = (await d.post('/subscriptions/up_twice/plan', { plan: 'pro-monthly' })).body;
  await d.advance(10 * DAY);
  const second = (await d.post('/subscriptions/up_twice/plan', { plan: 'business-monthly' })).body;

  const period = created.currentPeriod;
  const [creditLine, chargeLine] = await linesOf(second.invoice.number);
  // The second change credits Pro (what was paid for from the first change on), never Basic again.
  expect(creditLine).toEqual({ kind: 'proration_credit', amountCents: -prorated(2900, period, second.effectiveAt), description: expect.stringContaining('Pro monthly') });
  expect(chargeLine!.amountCents).toBe(prorated(9900, period, second.effectiveAt));

  const paid = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'up_twice', status: 'paid' } });
  const total = paid.reduce((sum, i) => sum + i.amountCents, 0);
  // Basic for the first stretch, Pro for the second, Business for the rest (each rounded once).
  const expected =
    900 - prorated(900, period, first.effectiveAt) + (prorated(2900, period, first.effectiveAt) - prorated(2900, period, second.effectiveAt)) + prorated(9900, period, second.effectiveAt);
  expect(total).toBe(expected);
  expect(paid).toHaveLength(3);
});

test('a downgrade is scheduled for the end of the period, can be dropped, and applies at renewal', async () => {
  const created = await d.create({ id: 'down', customer: newCustomer('down'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const scheduled = await d.post('/subscriptions/down/plan', { plan: 'basic-monthly' });
  expect(scheduled.status).toBe(200);
  expect(scheduled.body).toMatchObject({ timing: 'period_end', effectiveAt: created.currentPeriod.end, invoice: null });
  expect(scheduled.body.subscription).toMatchObject({ plan: { code: 'pro-monthly' }, scheduledChange: { plan: { code: 'basic-monthly' } } });

  const dropped = await request(d.app).delete('/subscriptions/down/plan-change');
  expect(dropped.status).toBe(200);
  expect(dropped.body.scheduledChange).toBeNull();
  expect((await request(d.app).delete('/subscriptions/down/plan-change')).status).toBe(409);

  await d.post('/subscriptions/down/plan', { plan: 'basic-monthly' });
  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('down', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
  expect(renewed).toMatchObject({ plan: { code: 'basic-monthly' }, scheduledChange: null, latestInvoice: { amountCents: 900 } });
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual([{ kind: 'subscription', amountCents: 900, description: expect.stringContaining('Basic monthly') }]);
  expect(await d.emails('down', 4)).toEqual(['receipt', 'welcome', 'plan_changed', 'receipt']);
});

test('a declined upgrade changes nothing and answers 402 with the decline', async () => {
  await d.create({ id: 'up_declined', customer: newCustomer('up-declined'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.post('/subscriptions/up_declined/payment-method', { paymentMethod: 'pm_card_insufficient_funds' });
  await d.advance(5 * DAY);
  const res = await d.post('/subscriptions/up_declined/plan', { plan: 'pro-monthly' });
  expect(res.status).toBe(402);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  expect(res.body).toMatchObject({ type: '/problems/payment-declined', decline: { declineCode: 'insufficient_funds' } });
  const after = await d.get('up_declined');
  expect(after).toMatchObject({ status: 'active', plan: { code: 'basic-monthly' } });
  const voided = await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: res.body.decline.invoiceNumber } });
  expect(voided.status).toBe('void');
  expect(await d.emails('up_declined', 2)).toEqual(['receipt', 'welcome']);
});

test('switching monthly to yearly now starts a yearly period at the change, crediting the unused month', async () => {
  const created = await d.create({ id: 'to_yearly', customer: newCustomer('to-yearly'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(15 * DAY);
  const preview = await request(d.app).get('/subscriptions/to_yearly/plan-change/preview').query({ plan: 'pro-yearly' });
  // Yearly costs less per day, so by default it waits for the renewal.
  expect(preview.body.timing).toBe('period_end');

  const res = await d.post('/subscriptions/to_yearly/plan', { plan: 'pro-yearly', when: 'now' });
  expect(res.status).toBe(200);
  const { effectiveAt, invoice, subscription } = res.body;
  const credit = prorated(2900, created.currentPeriod, effectiveAt);
  expect(invoice).toMatchObject({ amountCents: 29_000 - credit, periodIndex: 1 });
  expect(subscription.anchor).toBe(effectiveAt);
  expect(subscription.currentPeriod.start).toBe(effectiveAt);
  expect(new Date(subscription.currentPeriod.end).getUTCFullYear()).toBe(new Date(effectiveAt).getUTCFullYear() + 1);
});

describe('refused plan changes', () => {
  beforeAll(async () => {
    await d.create({ id: 'refuse', customer: newCustomer('refuse'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  });

  test.each([
    ['the current plan', { plan: 'pro-monthly' }, 409, 'already on pro-monthly'],
    ['a plan in another currency', { plan: 'business-monthly-nok' }, 409, 'billed in NOK'],
    ['an unknown plan', { plan: 'gold' }, 400, 'unknown plan'],
    ['a bad timing', { plan: 'basic-monthly', when: 'tomorrow' }, 400, ''],
  ])('to %s is refused with %s', async (_what, body, status, detail) => {
    const before = await d.get('refuse');
    const res = await d.post('/subscriptions/refuse/plan', body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.detail).toContain(detail);
    expect((await d.get('refuse')).version).toBe(before.version);
  });

  test('an unknown subscription is 404, for changes and previews', async () => {
    expect((await d.post('/subscriptions/nobody/plan', { plan: 'basic-monthly' })).status).toBe(404);
    expect((await request(d.app).get('/subscriptions/nobody/plan-change/preview').query({ plan: 'basic-monthly' })).status).toBe(404);
  });

  test('a canceled subscription cannot change plan (409)', async () => {
    await d.create({ id: 'refuse_ended', customer: newCustomer('refuse-ended'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    expect((await d.post('/subscriptions/refuse_ended/cancel', { when: 'now' })).status).toBe(200);
    const res = await d.post('/subscriptions/refuse_ended/plan', { plan: 'business-monthly' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('canceled');
  });
});
