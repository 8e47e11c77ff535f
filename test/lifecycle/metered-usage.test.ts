import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { workflowBundle } from '../../simulator/environment';
import { fetchRunChain } from '../../simulator/histories';
import { replay } from '../support/replay';
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

const MINUTE = 60_000;
const shifted = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

const usageSignals = (runs: Awaited<ReturnType<typeof fetchRunChain>>) =>
  runs.flatMap((run) => run.history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'recordUsage').length;

const linesOf = async (invoiceNumber: string) =>
  (await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: invoiceNumber } }, orderBy: { position: 'asc' } })).map((l) => ({
    kind: l.kind,
    description: l.description,
    quantity: l.quantity,
    amountCents: l.amountCents,
  }));

test('graduated and volume tiers with included units, a duplicate and a late usage event: billed in arrears on the renewal invoice after the grace window', async () => {
  const created = await d.create({ id: 'meter', customer: newCustomer('meter'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const period = created.currentPeriod;
  for (const code of ['api-calls', 'active-users']) {
    const res = await d.post('/subscriptions/meter/add-ons', { code, quantity: 1 });
    expect(res.status).toBe(200);
    // Held, not prorated: usage decides what it costs.
    expect((res.body as SubscriptionView).pendingItems).toEqual([]);
  }
  expect((await d.post('/subscriptions/meter/add-ons', { code: 'api-calls', quantity: 2 })).status).toBe(409);

  await d.advance(5 * DAY);
  const calls = (eventId: string, quantity: number, extra: Record<string, unknown> = {}) =>
    d.post('/subscriptions/meter/usage', { metric: 'api_calls', quantity, mode: 'increment', eventId, ...extra });
  expect((await calls('calls-1', 700)).status).toBe(202);
  expect((await calls('calls-2', 800)).status).toBe(202);
  const repeated = await calls('calls-1', 700);
  expect(repeated.status).toBe(200);
  expect(repeated.body).toMatchObject({ accepted: true, duplicate: true, eventId: 'calls-1' });
  for (let user = 1; user <= 12; user += 1) {
    // Each user twice: a unique count counts them once.
    for (const visit of [1, 2]) {
      const res = await d.post('/subscriptions/meter/usage', { metric: 'active_users', quantity: 1, eventId: `user-${user}-${visit}`, properties: { user: `u${user}` } });
      expect(res.status).toBe(202);
    }
  }
  expect(await h.db.prisma.usageEvent.count({ where: { subscriptionId: 'meter' } })).toBe(2 + 24);

  // Mid-period: what the usage so far would cost.
  const running = await request(d.app).get('/subscriptions/meter/usage');
  expect(running.status).toBe(200);
  expect(running.body).toMatchObject({
    subscriptionId: 'meter',
    period,
    currency: 'EUR',
    closesAt: shifted(period.end, 60 * MINUTE),
    amountCents: 100 + 1_560,
    items: [
      {
        code: 'api-calls',
        aggregation: 'sum',
        model: 'graduated',
        value: 1_500,
        quantity: 1_500,
        includedUnits: 1_000,
        amountCents: 100,
        bands: [expect.objectContaining({ description: '1–1,000 included' }), expect.objectContaining({ description: '1,001–1,500 × 0.002 EUR', amountCents: 100 })],
      },
      // 12 users reach the second volume tier: the 7 beyond the included 5 at 0.80 EUR, plus its 10 EUR flat fee.
      { code: 'active-users', aggregation: 'unique_count', model: 'volume', value: 12, quantity: 12, includedUnits: 5, amountCents: 7 * 80 + 1_000 },
    ],
  });

  // Half an hour after the period's end, within the grace window: nothing renewed yet, and a late
  // event of the ended period still lands on it; usage of the new period waits for its own.
  await d.advanceTo(shifted(period.end, 30 * MINUTE));
  expect((await d.get('meter')).periodIndex).toBe(created.periodIndex);
  expect((await calls('calls-late', 10_000, { occurredAt: shifted(period.end, -10 * MINUTE) })).status).toBe(202);
  expect((await calls('calls-next', 5, { occurredAt: shifted(period.end, 20 * MINUTE) })).status).toBe(202);

  await d.advanceTo(shifted(period.end, 61 * MINUTE));
  const renewed = await d.until('meter', (s) => s.periodIndex === created.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'meter renewal');
  const [plan, ...metered] = await linesOf(renewed.latestInvoice!.number);
  expect(plan).toMatchObject({ kind: 'subscription' });
  const span = `${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}`;
  expect(metered).toEqual([
    {
      kind: 'addon',
      // 11,500 calls: 1,000 included, 9,000 at 0.2 cents, 1,500 at 0.1 cents.
      description: `API calls: 11,500 (1–1,000 included; 1,001–10,000 × 0.002 EUR; 10,001–11,500 × 0.001 EUR), ${span}`,
      quantity: 11_500,
      amountCents: 1_800 + 150,
    },
    {
      kind: 'addon',
      description: `Active users: 12 (1–5 included; 6–12 × 0.80 EUR + 10.00 EUR), ${span}`,
      quantity: 12,
      amountCents: 1_560,
    },
  ]);
  expect(renewed.latestInvoice!.amountCents).toBe(plan!.amountCents + 1_950 + 1_560);
  expect(renewed.pendingItems).toEqual([]);

  // After the grace window the ended period is closed: a late event is refused, not counted.
  const tooLate = await calls('calls-too-late', 50, { occurredAt: shifted(period.end, -5 * MINUTE) });
  expect(tooLate.status).toBe(409);
  expect(tooLate.body).toMatchObject({ type: '/problems/usage-too-late', title: "The usage's period is closed", detail: expect.stringContaining('comes too late') });
  expect(await h.db.prisma.usageEvent.count({ where: { idempotencyId: 'calls-too-late' } })).toBe(0);

  // The new period starts with the usage that occurred in it.
  const next = await request(d.app).get('/subscriptions/meter/usage');
  expect(next.body).toMatchObject({ period: renewed.currentPeriod, items: [{ code: 'api-calls', value: 5, amountCents: 0 }, { code: 'active-users', value: 0 }] });

  // The new path (the grace timer and the usage activity) is marked by its patch in the history,
  // and the history replays on the workflows as they are.
  const runs = await fetchRunChain(h.env.client.workflow, 'subscription-meter');
  // No upsell rule asks about these metrics: the events live in the database only, and the
  // workflow's history does not grow with them.
  expect(usageSignals(runs)).toBe(0);
  const patches = runs
    .flatMap((run) => run.history.events ?? [])
    .flatMap((event) => event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
    .map((payload) => defaultPayloadConverter.fromPayload<{ id: string }>(payload).id);
  expect(patches).toContain('metered-usage-arrears');
  const outcomes = await replay(await workflowBundle(), runs.map((run, index) => ({ file: `meter-${index}`, history: run.history })));
  expect([...outcomes.values()]).toEqual(runs.map(() => undefined));
});

test('without a metered add-on the renewal does not wait for late usage, and reports are stored all the same', async () => {
  const created = await d.create({ id: 'unmetered', customer: newCustomer('unmetered'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/unmetered/usage', { metric: 'seats', quantity: 3, eventId: 'seats-1' })).status).toBe(202);
  const future = await d.post('/subscriptions/unmetered/usage', { metric: 'seats', quantity: 3, occurredAt: shifted(created.currentPeriod.start, 40 * DAY) });
  expect(future.status).toBe(409);
  expect(future.body.detail).toMatch(/in the future/);
  expect(await h.db.prisma.usageEvent.count({ where: { subscriptionId: 'unmetered' } })).toBe(1);
  // Seats are what the seeded upsell rules look at: that report reached the workflow's summary.
  expect(usageSignals(await fetchRunChain(h.env.client.workflow, 'subscription-unmetered'))).toBe(1);
  expect((await request(d.app).get('/subscriptions/unmetered/usage')).body).toMatchObject({ items: [], amountCents: 0 });

  await d.advanceTo(shifted(created.currentPeriod.end, MINUTE));
  const renewed = await d.until('unmetered', (s) => s.periodIndex === created.periodIndex + 1, 'unmetered renewal');
  expect(renewed.latestInvoice?.periodIndex).toBe(created.periodIndex + 1);

  // An ended subscription stores no more usage.
  expect((await d.post('/subscriptions/unmetered/cancel', { when: 'now' })).status).toBe(200);
  await d.until('unmetered', (s) => s.status === 'canceled', 'unmetered canceled');
  expect((await d.post('/subscriptions/unmetered/usage', { metric: 'seats', quantity: 1, eventId: 'seats-after' })).status).toBe(409);
  expect(await h.db.prisma.usageEvent.count({ where: { subscriptionId: 'unmetered', idempotencyId: 'seats-after' } })).toBe(0);
});

test('usage past what one period bills is refused and not stored, concurrent reports are checked one at a time, and the renewal bills what was taken', async () => {
  const created = await d.create({ id: 'heavy', customer: newCustomer('heavy'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const period = created.currentPeriod;
  expect((await d.post('/subscriptions/heavy/add-ons', { code: 'api-calls', quantity: 1 })).status).toBe(200);
  const calls = (eventId: string, quantity: number) => d.post('/subscriptions/heavy/usage', { metric: 'api_calls', quantity, mode: 'increment', eventId });

  // 700 million calls cost 70,000,800 cents; 750 million 75,000,800; 800 million 80,000,800, past the 80,000,000 a period bills.
  expect((await calls('bulk', 700_000_000)).status).toBe(202);
  const raced = await Promise.all([calls('race-a', 50_000_000), calls('race-b', 50_000_000)]);
  expect(raced.map((res) => res.status).sort()).toEqual([202, 409]);
  const refused = raced.find((res) => res.status === 409)!;
  expect(refused.body).toMatchObject({ type: '/problems/usage-limit', title: 'More usage than one period bills', detail: expect.stringContaining('a period bills at most 800000.00 EUR') });
  expect(await h.db.prisma.usageEvent.count({ where: { subscriptionId: 'heavy' } })).toBe(2);
  // A metric no metered add-on bills is not limited.
  expect((await d.post('/subscriptions/heavy/usage', { metric: 'seats', quantity: 1e12, mode: 'set' })).status).toBe(202);

  await d.advanceTo(shifted(period.end, 61 * MINUTE));
  const renewed = await d.until('heavy', (s) => s.periodIndex === created.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'heavy renewal');
  const [, metered] = await linesOf(renewed.latestInvoice!.number);
  expect(metered).toMatchObject({ quantity: 750_000_000, amountCents: 75_000_800 });
});
