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

const now = async () => h.env.currentTimeMs();
const inDays = async (days: number) => new Date((await now()) + days * DAY).toISOString();
const item = (id: string, currentPeriodEnd: string, overrides: Record<string, unknown> = {}) => ({
  id,
  customer: newCustomer(id.replaceAll('_', '-')),
  plan: 'pro-monthly',
  paymentMethod: 'pm_card_visa',
  currentPeriodEnd,
  ...overrides,
});
const importBatch = (subscriptions: unknown[]) => request(d.app).post('/subscriptions/imports').send({ subscriptions });

test('an imported subscription opens active, is not charged for the period paid elsewhere, and renews in full when it ends', async () => {
  const paidUntil = await inDays(10);
  const res = await importBatch([item('imp_grace', paidUntil), item('imp_alan', await inDays(20), { plan: 'basic-monthly' })]);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ created: 2, existing: 0 });
  expect(res.body.subscriptions[0]).toMatchObject({ id: 'imp_grace', workflowId: 'subscription-imp_grace', plan: 'pro-monthly', currentPeriodEnd: paidUntil, created: true });

  const opened = await d.until('imp_grace', (s) => s.version >= 1, 'imported workflow opened');
  expect(opened).toMatchObject({ status: 'active', latestInvoice: null, nextBillingAt: paidUntil, currentPeriod: { end: paidUntil } });
  // The paid period is a whole billing month, so a change in it prorates against the real month.
  const periodDays = (new Date(paidUntil).getTime() - new Date(opened.currentPeriod.start).getTime()) / DAY;
  expect(periodDays).toBeGreaterThanOrEqual(28);
  expect(periodDays).toBeLessThanOrEqual(31);
  expect(await d.emails('imp_grace', 0)).toEqual([]);
  const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'imp_grace' } });
  expect(row).toMatchObject({ status: 'active', currentPeriodEnd: new Date(paidUntil) });

  await d.advance(9 * DAY);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'imp_grace' } })).toBe(0);
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-imp_grace' } } })).toBe(0);

  await d.advance(1 * DAY + 60_000);
  const renewed = await d.until('imp_grace', (s) => s.latestInvoice?.status === 'paid', 'first renewal paid');
  expect(renewed.currentPeriod.start).toBe(paidUntil);
  expect(renewed.latestInvoice).toMatchObject({ amountCents: 2900, periodIndex: 1, attempts: 1 });
  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'imp_grace' }, include: { lines: true } });
  expect(invoices).toHaveLength(1);
  expect(invoices[0]!.lines.map((line) => [line.kind, line.amountCents])).toEqual([['subscription', 2900]]);
  expect(await d.emails('imp_grace', 1)).toEqual(['receipt']);
  const changes = await h.db.prisma.statusChange.findMany({ where: { subscriptionId: 'imp_grace' }, orderBy: { version: 'asc' } });
  expect(changes.map((change) => [change.from, change.to])).toEqual([[null, 'active']]);
});

test('repeating an import writes nothing twice and answers 200 with created false', async () => {
  const first = await importBatch([item('imp_again', await inDays(5))]);
  expect(first.status).toBe(201);
  const again = await importBatch([item('imp_again', first.body.subscriptions[0].currentPeriodEnd)]);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ created: 0, existing: 1, subscriptions: [{ id: 'imp_again', created: false }] });
  expect(await h.db.prisma.subscription.count({ where: { id: 'imp_again' } })).toBe(1);
  const opened = await d.until('imp_again', (s) => s.version >= 1, 'imported workflow opened');
  expect(opened.runs.count).toBe(1);
});

test('one bad item refuses the whole batch, names its index and field, and writes nothing', async () => {
  const subscriptionsBefore = await h.db.prisma.subscription.count();
  const customersBefore = await h.db.prisma.customer.count();
  const res = await importBatch([
    item('imp_fine', await inDays(5)),
    item('imp_ended', await inDays(-1)),
    item('imp_too_far', await inDays(45)),
    item('imp_unknown', await inDays(5), { plan: 'platinum-monthly' }),
    item('imp_fine', await inDays(6)),
  ]);
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors).toEqual([
    { field: 'subscriptions.1.currentPeriodEnd', message: expect.stringContaining('must be in the future') },
    { field: 'subscriptions.2.currentPeriodEnd', message: expect.stringContaining('at most one billing interval (month)') },
    { field: 'subscriptions.3.plan', message: 'unknown plan "platinum-monthly"' },
    { field: 'subscriptions.4.id', message: 'repeats the id of subscriptions.0' },
  ]);
  expect(await h.db.prisma.subscription.count()).toBe(subscriptionsBefore);
  expect(await h.db.prisma.customer.count()).toBe(customersBefore);
  await expect(h.env.client.workflow.getHandle('subscription-imp_fine').describe()).rejects.toThrow();
});

test('an id that exists with another plan is a conflict, and the rest of the batch is not imported', async () => {
  await d.create({ id: 'imp_taken', customer: newCustomer('imp-taken'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  const res = await importBatch([item('imp_innocent', await inDays(5)), item('imp_taken', await inDays(5), { customer: newCustomer('imp-taken') })]);
  expect(res.status).toBe(409);
  expect(res.body.detail).toMatch(/subscriptions\.1: subscription imp_taken already exists with another plan/);
  expect(await h.db.prisma.subscription.findUnique({ where: { id: 'imp_innocent' } })).toBeNull();
  expect(await h.db.prisma.customer.findUnique({ where: { email: 'imp-innocent@example.com' } })).toBeNull();
});

test('an import is limited to 100 subscriptions per request, and needs at least one', async () => {
  const paidUntil = await inDays(5);
  const tooMany = await importBatch(Array.from({ length: 101 }, (_, i) => item(`imp_many_${i}`, paidUntil)));
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.errors[0].field).toBe('subscriptions');
  expect((await importBatch([])).status).toBe(400);
  expect(await h.db.prisma.subscription.count({ where: { id: { startsWith: 'imp_many_' } } })).toBe(0);
});
