// Ordinary command sequences that used to stop, jam or mis-charge a subscription (issue 11). Each
// test is the reproduction of one report, driven through the API as a user would.
import request from 'supertest';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { workflowHealth } from '../../simulator/health';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

const create = (id: string, plan: string, paymentMethod = 'pm_card_visa') => d.create({ id, customer: newCustomer(id), plan, paymentMethod });
const setCard = async (id: string, paymentMethod: string) => expect((await d.post(`/subscriptions/${id}/payment-method`, { paymentMethod })).status).toBe(200);

test('a declined switch to a yearly plan changes nothing, and the next monthly renewal is billed', async () => {
  const created = await create('yearly_declined', 'pro-monthly');
  await d.advance(10 * DAY);
  await setCard('yearly_declined', 'pm_card_insufficient_funds');
  await d.advance(5 * DAY);
  const change = await d.post('/subscriptions/yearly_declined/plan', { plan: 'pro-yearly', when: 'now' });
  expect(change.status).toBe(402);
  await d.advance(DAY);
  await setCard('yearly_declined', 'pm_card_visa');

  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('yearly_declined', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal after a declined change');
  expect(renewed).toMatchObject({ status: 'active', plan: { code: 'pro-monthly' }, latestInvoice: { amountCents: 2900 }, anchor: created.anchor });
  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'yearly_declined' }, orderBy: { sequence: 'asc' } });
  expect(invoices.map((i) => [i.status, i.periodIndex])).toEqual([
    ['paid', 0],
    ['void', null],
    ['paid', 1],
  ]);
  expect(await workflowHealth(h, 'subscription-yearly_declined')).toMatchObject({ ok: true, status: 'RUNNING' });
});

test('accepting a yearly upsell offer with a declining card answers 402, keeps the offer open and billing on', async () => {
  const rule = {
    description: 'NOK Pro monthly: the yearly plan',
    enabled: true,
    priority: 100,
    when: [{ fact: 'planCode', equals: 'pro-monthly-nok' }],
    offer: { target: { kind: 'annual' }, percentOff: 0, discountPeriods: 0, expiresInDays: 30 },
    cooldownDays: 30,
  };
  expect((await request(d.app).put('/offer-rules/test-yearly-nok').send(rule)).status).toBe(200);
  const created = await create('offer_declined', 'pro-monthly-nok');
  // A usage report is when the rules look at a subscription between renewals.
  expect((await d.post('/subscriptions/offer_declined/usage', { metric: 'seats', quantity: 1 })).status).toBe(202);
  const offered = await d.until('offer_declined', (s) => s.offer !== null, 'the offer');
  expect(offered.offer!.plan.code).toBe('pro-yearly-nok');

  await setCard('offer_declined', 'pm_card_insufficient_funds');
  await d.advance(DAY);
  expect((await d.post(`/subscriptions/offer_declined/offers/${offered.offer!.id}/accept`)).status).toBe(402);
  await setCard('offer_declined', 'pm_card_visa');
  expect((await d.get('offer_declined')).offer?.id).toBe(offered.offer!.id);

  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('offer_declined', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal');
  expect(renewed).toMatchObject({ status: 'active', plan: { code: 'pro-monthly-nok' }, latestInvoice: { amountCents: 29_900 } });
  expect(await workflowHealth(h, 'subscription-offer_declined')).toMatchObject({ ok: true, status: 'RUNNING' });
  expect((await request(d.app).put('/offer-rules/test-yearly-nok').send({ ...rule, enabled: false })).status).toBe(200);
});

test('add-on changes past the limit of one period are refused with 409, and renewals go on', async () => {
  const created = await create('addon_flood', 'pro-monthly');
  await d.advance(DAY);
  const statuses: number[] = [];
  for (let i = 0; i < 55; i += 1) {
    const res = await d.post('/subscriptions/addon_flood/add-ons', { code: 'extra-seat', quantity: (i % 2) + 1 });
    statuses.push(res.status);
    if (res.status !== 200) expect(res.body.detail).toMatch(/waiting for the next invoice/);
  }
  expect(statuses.slice(0, 50)).toEqual(Array(50).fill(200));
  // Past the limit, a change is refused; setting the quantity it already has changes nothing.
  expect(statuses.slice(50)).toEqual([409, 200, 409, 200, 409]);
  expect(await d.get('addon_flood')).toMatchObject({ addOns: [{ code: 'extra-seat', quantity: 2 }], pendingItems: expect.any(Array) });
  expect((await d.get('addon_flood')).pendingItems).toHaveLength(50);
  expect(await workflowHealth(h, 'subscription-addon_flood')).toMatchObject({ ok: true, status: 'RUNNING' });

  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('addon_flood', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal after the flood');
  const lines = await h.db.prisma.invoiceLine.count({ where: { invoice: { reference: renewed.latestInvoice!.number } } });
  // The plan, the seat, and the 50 prorations that were accepted.
  expect(lines).toBe(52);
  expect(await workflowHealth(h, 'subscription-addon_flood')).toMatchObject({ ok: true, status: 'RUNNING' });
});
