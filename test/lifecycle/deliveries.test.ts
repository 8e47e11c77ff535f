import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { workflowBundle } from '../../simulator/environment';
import { fetchRunChain } from '../../simulator/histories';
import { replay } from '../support/replay';
import type { Harness } from '../support/harness';
import { eventually, retireSubscriptions, startHarness, testApp } from '../support/harness';
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

const MINUTE = 60_000;
const shifted = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
const OSLO = { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' };
const BERGEN = { lines: ['Bryggen 5'], postalCode: '5003', city: 'Bergen', country: 'NO' };

interface DeliveryBody {
  id: string;
  period: { start: string; end: string };
  status: string;
  address: unknown;
  cutoffAt: string;
}

/** The subscription's deliveries, once the one for the period starting at `periodStart` is scheduled. */
const deliveriesFrom = async (id: string, periodStart: string): Promise<DeliveryBody[]> =>
  eventually(
    async () => (await request(d.app).get(`/subscriptions/${id}/deliveries`)).body.deliveries as DeliveryBody[],
    (deliveries) => deliveries.some((delivery) => delivery.period.start === periodStart),
    `delivery of ${id} for ${periodStart}`,
  );

test('a skipped delivery: scheduled for the next period, skipped and redirected before its cut-off, credited on the renewal invoice; refused after the cut-off', async () => {
  expect((await d.post('/webhooks', { url: 'http://127.0.0.1:9/fulfilment', events: ['delivery.scheduled'] })).status).toBe(201);
  const created = await d.create({ id: 'boxed', customer: newCustomer('boxed'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/boxed/add-ons', { code: 'monthly-box', quantity: 1 })).status).toBe(200);

  // The box of the next period is scheduled, final three days before that period starts.
  const next = created.currentPeriod.end;
  const [scheduled] = await deliveriesFrom('boxed', next);
  expect(scheduled).toMatchObject({ status: 'scheduled', address: null, cutoffAt: shifted(next, -3 * DAY) });
  // Fulfilment hears of it.
  const events = await h.db.prisma.webhookEvent.findMany({ where: { subscriptionId: 'boxed', type: 'delivery.scheduled' } });
  expect(events.map((event) => event.payload)).toEqual([{ delivery: expect.objectContaining({ id: scheduled!.id, addOnCode: 'monthly-box', cutoffAt: scheduled!.cutoffAt }) }]);

  // Before the cut-off: a new address applies to it, and it can be skipped.
  const moved = await request(d.app).put('/subscriptions/boxed/delivery-address').send({ address: OSLO });
  expect(moved.status).toBe(200);
  expect(moved.body.deliveries).toEqual([expect.objectContaining({ id: scheduled!.id, address: OSLO })]);
  const skipped = await d.post(`/subscriptions/boxed/deliveries/${scheduled!.id}/skip`, {});
  expect(skipped.status).toBe(200);
  expect(skipped.body).toMatchObject({ id: scheduled!.id, status: 'skipped', address: OSLO, final: false });

  // The renewal into that period bills the box and credits it: the box costs nothing that period.
  await d.advanceTo(shifted(next, MINUTE));
  const renewed = await d.until('boxed', (s) => s.periodIndex === created.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'boxed renewal');
  const lines = await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: renewed.latestInvoice!.number } }, orderBy: { position: 'asc' } });
  const span = `${next.slice(0, 10)} – ${renewed.currentPeriod.end.slice(0, 10)}`;
  // (The invoice also carries the box added mid-way through the first period, prorated.)
  const box = lines.filter((line) => line.description.includes('Monthly box') && line.description.endsWith(span));
  expect(box.map((line) => ({ description: line.description, amountCents: line.amountCents }))).toEqual([
    { description: `Monthly box (shipped), ${span}`, amountCents: 1_500 },
    { description: `Delivery skipped: Monthly box (shipped), ${span}`, amountCents: -1_500 },
  ]);
  expect(box.reduce((sum, line) => sum + line.amountCents, 0)).toBe(0);

  // The following period's box goes to the new address; past its cut-off it is final.
  const following = renewed.currentPeriod.end;
  const upcoming = (await deliveriesFrom('boxed', following)).find((delivery) => delivery.period.start === following)!;
  expect(upcoming).toMatchObject({ status: 'scheduled', address: OSLO });
  await d.advanceTo(shifted(upcoming.cutoffAt, MINUTE));
  const late = await d.post(`/subscriptions/boxed/deliveries/${upcoming.id}/skip`, {});
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ cutoffAt: upcoming.cutoffAt, detail: expect.stringContaining(`cut-off was ${upcoming.cutoffAt}`) });
  const lateMove = await request(d.app).put('/subscriptions/boxed/delivery-address').send({ address: BERGEN });
  expect(lateMove.status).toBe(409);
  expect(lateMove.body).toMatchObject({ cutoffAt: upcoming.cutoffAt });
  expect(await h.db.prisma.delivery.findUniqueOrThrow({ where: { id: upcoming.id } })).toMatchObject({ status: 'scheduled', address: OSLO });

  // The new path is marked by its patch, and the history replays on the workflows as they are.
  const runs = await fetchRunChain(h.env.client.workflow, 'subscription-boxed');
  const patches = runs
    .flatMap((run) => run.history.events ?? [])
    .flatMap((event) => event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
    .map((payload) => defaultPayloadConverter.fromPayload<{ id: string }>(payload).id);
  expect(patches).toContain('delivery-skips');
  const outcomes = await replay(await workflowBundle(), runs.map((run, index) => ({ file: `boxed-${index}`, history: run.history })));
  expect([...outcomes.values()]).toEqual(runs.map(() => undefined));
});

test('a delivery no renewal will bill is withdrawn: cancel at period end cancels it, uncancel brings it back, removing the box cancels it', async () => {
  expect((await d.post('/webhooks', { url: 'http://127.0.0.1:9/fulfilment-cancels', events: ['delivery.canceled'] })).status).toBe(201);
  const created = await d.create({ id: 'boxed_cancel', customer: newCustomer('boxed_cancel'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/boxed_cancel/add-ons', { code: 'monthly-box', quantity: 1 })).status).toBe(200);
  const next = created.currentPeriod.end;
  const [scheduled] = await deliveriesFrom('boxed_cancel', next);
  const statusOf = async () =>
    ((await request(d.app).get('/subscriptions/boxed_cancel/deliveries')).body.deliveries as DeliveryBody[]).find((delivery) => delivery.id === scheduled!.id)!.status;
  const becomes = (status: string) => eventually(statusOf, (seen) => seen === status, `delivery ${status}`);

  expect((await d.post('/subscriptions/boxed_cancel/cancel', { when: 'period_end' })).status).toBe(200);
  await becomes('canceled');
  const skip = await d.post(`/subscriptions/boxed_cancel/deliveries/${scheduled!.id}/skip`);
  expect(skip.status).toBe(409);
  const canceledEvents = await h.db.prisma.webhookEvent.count({ where: { subscriptionId: 'boxed_cancel', type: 'delivery.canceled' } });
  expect(canceledEvents).toBe(1);

  expect((await d.post('/subscriptions/boxed_cancel/uncancel')).status).toBe(200);
  await becomes('scheduled');

  expect((await request(d.app).delete('/subscriptions/boxed_cancel/add-ons/monthly-box')).status).toBe(200);
  await becomes('canceled');
});

test('a skipped period is paid net of its box: a coupon discounts what is left, and a pause credits no more than was paid', async () => {
  // Created as a package: the plan (9.00), the box (15.00) and 20% off for three periods.
  const created = await d.create({
    id: 'boxed-pause',
    customer: newCustomer('boxed-pause'),
    plan: 'basic-monthly',
    paymentMethod: 'pm_card_visa',
    addOns: [{ code: 'monthly-box', quantity: 1 }],
    coupon: 'WELCOME20',
  });
  const next = created.currentPeriod.end;
  const [scheduled] = await deliveriesFrom('boxed-pause', next);
  expect((await d.post(`/subscriptions/boxed-pause/deliveries/${scheduled!.id}/skip`)).status).toBe(200);

  await d.advanceTo(shifted(next, MINUTE));
  const renewed = await d.until('boxed-pause', (s) => s.periodIndex === created.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'the renewal');
  // 20% off the plan alone: the skipped box is not part of what the period sells.
  expect(renewed.latestInvoice!.amountCents).toBe(900 - 180);
  expect(renewed.account).toMatchObject({ paidCents: 720, returnedCents: 0 });

  // Paused at once, a day into the period: the unused time goes back, at most the 7.20 paid.
  await d.advance(DAY);
  expect((await d.post('/subscriptions/boxed-pause/pause', { when: 'now' })).status).toBe(200);
  const credits = await h.db.prisma.creditEntry.findMany({ where: { subscriptionId: 'boxed-pause', cause: 'pause' } });
  expect(credits).toHaveLength(1);
  expect(credits[0]!.amountCents).toBeGreaterThan(0);
  expect(credits[0]!.amountCents).toBeLessThanOrEqual(720);
});

test('a delivery id that is not one is refused by name before the database sees it; an unknown one is 404', async () => {
  // A NUL byte reached PostgreSQL and came back as a 500 (the hostile-request fuzz found it).
  for (const deliveryId of ['%00', 'not-a-delivery', '1234']) {
    const res = await d.post(`/subscriptions/boxed/deliveries/${deliveryId}/skip`);
    expect([deliveryId, res.status, res.body.detail]).toEqual([deliveryId, 400, expect.stringContaining('deliveryId')]);
  }
  const unknown = await d.post('/subscriptions/boxed/deliveries/00000000-0000-4000-8000-000000000000/skip');
  expect(unknown.status).toBe(404);
});
