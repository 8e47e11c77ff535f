import request from 'supertest';
import { fetchRunChain } from '../../simulator/histories';
import { HasOpenOfferKey } from '../../workflows/contract';
import type { SubscriptionView } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { eventually, retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { localActivities } from '../support/local-activities';

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

async function create(id: string, plan: string, paymentMethod = 'pm_card_visa') {
  return d.create({ id, customer: newCustomer(id), plan, paymentMethod });
}

async function reportSeats(id: string, seats: number) {
  const res = await d.post(`/subscriptions/${id}/usage`, { metric: 'seats', quantity: seats });
  expect(res.status).toBe(202);
}

/** Renews `times` periods, waiting for each renewal to be paid. */
async function renew(id: string, times: number): Promise<SubscriptionView> {
  let s = await d.get(id);
  for (let i = 0; i < times; i += 1) {
    const period = s.periodIndex;
    await d.advanceTo(s.currentPeriod.end);
    s = await d.until(id, (x) => x.periodIndex === period + 1 && x.latestInvoice?.status === 'paid', `${id} renewal ${period + 1}`);
  }
  return s;
}

const offersOf = (id: string) => h.db.prisma.offer.findMany({ where: { subscriptionId: id }, orderBy: { createdAt: 'asc' } });
const hasOpenOffer = async (id: string) =>
  (await h.env.client.workflow.getHandle(`subscription-${id}`).describe()).typedSearchAttributes.get(HasOpenOfferKey);

describe('the seats rule: usage at 80% of the quota two periods running', () => {
  test('fires at the renewal after two such periods: the next tier at 20% off for 3 periods, by email', async () => {
    await create('seats_high', 'basic-monthly'); // 3 seats included
    await reportSeats('seats_high', 3);
    expect((await d.get('seats_high')).offer).toBeNull(); // one period is not enough

    const renewed = await renew('seats_high', 1);
    expect(renewed.offer).toMatchObject({ ruleId: 'seats-next-tier', plan: { code: 'pro-monthly' }, percentOff: 20, discountPeriods: 3 });
    expect(new Date(renewed.offer!.expiresAt).getTime() - new Date(renewed.offer!.createdAt).getTime()).toBe(14 * DAY);
    // Made at the renewal's business time (its payment), though the rules were asked in its final write.
    expect(renewed.offer!.createdAt).toBe(renewed.latestInvoice!.paidAt);
    expect(await hasOpenOffer('seats_high')).toBe(true);
    expect(await offersOf('seats_high')).toEqual([expect.objectContaining({ status: 'open', toPlanCode: 'pro-monthly', mrrDeltaCents: 2000 })]);

    expect((await d.emails('seats_high', 4)).sort()).toEqual(['offer', 'receipt', 'receipt', 'welcome']);
    const mail = h.smtp.for('seats_high').find((m) => m.template === 'offer')!;
    expect(mail.subject).toBe('An offer for you: Pro monthly at 20% off');
    expect(mail.text).toContain(`https://billing.example.test/portal/offers/seats_high/${renewed.offer!.id}?token=`);

    // The rules were asked in the renewal's final write, not in a local activity of their own; the
    // offer they made was recorded with its email and projection in a second write.
    const runs = await fetchRunChain(h.env.client.workflow, 'subscription-seats_high');
    expect(localActivities(runs.flatMap((run) => run.history.events ?? []))).toEqual([
      ...['issueInvoice', 'recordStep'], // the first invoice; its payment's write, which asks the rules
      'recordStep', // the usage report's write, which asks them again (one period at 80 %: no offer)
      ...['issueInvoice', 'recordStep', 'recordStep'], // the renewal: its write asks, the offer's write follows
    ]);
  });

  test('does not fire below 80% (2 of 3 seats)', async () => {
    await create('seats_low', 'basic-monthly');
    await reportSeats('seats_low', 2);
    const renewed = await renew('seats_low', 2);
    expect(renewed.offer).toBeNull();
    expect(await offersOf('seats_low')).toEqual([]);
  });

  test('counts add-on seats into the quota (3 seats on 3 + 2 extra is 60%)', async () => {
    await create('seats_addon', 'basic-monthly');
    expect((await d.post('/subscriptions/seats_addon/add-ons', { code: 'extra-seat', quantity: 2 })).status).toBe(200);
    await reportSeats('seats_addon', 3);
    expect((await renew('seats_addon', 2)).offer).toBeNull();
  });

  test('never fires while a payment is being recovered', async () => {
    const created = await create('seats_dunning', 'basic-monthly');
    await reportSeats('seats_dunning', 3);
    await d.post('/subscriptions/seats_dunning/payment-method', { paymentMethod: 'pm_card_insufficient_funds' });
    await d.advanceTo(created.currentPeriod.end);
    const pastDue = await d.until('seats_dunning', (s) => s.status === 'past_due');
    await reportSeats('seats_dunning', 3);
    await d.advance(2 * DAY);
    expect((await d.get('seats_dunning')).offer).toBeNull();
    expect(pastDue.offer).toBeNull();
    expect(await offersOf('seats_dunning')).toEqual([]);
  });
});

describe('the loyalty and annual rules', () => {
  test('six paid renewals on Basic with no failed payment bring an offer of Pro', async () => {
    await create('loyal', 'basic-monthly');
    expect((await renew('loyal', 5)).offer).toBeNull();
    const sixth = await renew('loyal', 1);
    // The loyalty rule outranks the annual switch, which matches too.
    expect(sixth.offer).toMatchObject({ ruleId: 'loyal-basic-to-pro', plan: { code: 'pro-monthly' }, percentOff: 10 });
  });

  test('a failed payment rules out the loyalty offer; the annual switch comes instead', async () => {
    const created = await create('not_loyal', 'basic-monthly');
    await d.post('/subscriptions/not_loyal/payment-method', { paymentMethod: 'pm_card_fail_first_1' });
    await d.advanceTo(created.currentPeriod.end);
    await d.until('not_loyal', (s) => s.status === 'past_due');
    await d.advance(3 * DAY + 60_000);
    await d.until('not_loyal', (s) => s.status === 'active');
    await d.post('/subscriptions/not_loyal/payment-method', { paymentMethod: 'pm_card_visa' });
    const sixth = await renew('not_loyal', 5);
    expect(sixth.stats.failedPayments).toBe(1);
    expect(sixth.offer).toMatchObject({ ruleId: 'annual-switch', plan: { code: 'basic-yearly' }, percentOff: 0 });
  });
});

describe('offer lifecycle', () => {
  async function withOffer(id: string) {
    await create(id, 'basic-monthly');
    await reportSeats(id, 3);
    return renew(id, 1);
  }

  test("accepting with the emailed link's token changes plan now and the next invoices carry the discount, to the cent", async () => {
    const offered = await withOffer('accept');
    await d.emails('accept', 4);
    const link = new URL(/https:\/\/\S+/.exec(h.smtp.for('accept').find((m) => m.template === 'offer')!.text)![0]);
    expect((await request(d.app).post(`/subscriptions/accept/offers/${offered.offer!.id}/accept`).query({ token: 'x.y' })).status).toBe(403);

    await d.advance(DAY);
    const res = await d.post(`/subscriptions/accept/offers/${offered.offer!.id}/accept?token=${link.searchParams.get('token')!}`);
    expect(res.status).toBe(200);
    expect(res.body.subscription).toMatchObject({
      plan: { code: 'pro-monthly' },
      offer: null,
      discount: { source: 'offer', percentOff: 20, remainingPeriods: 3 },
    });
    expect(res.body.invoice.billingReason).toBe('subscription_update');
    expect(await offersOf('accept')).toEqual([expect.objectContaining({ status: 'accepted' })]);

    // The next three renewals: Pro at 29.00 less 20% = 23.20; then full price.
    let s = await renew('accept', 3);
    const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'accept', billingReason: 'subscription_cycle' }, include: { lines: true }, orderBy: { sequence: 'asc' } });
    const discounted = invoices.slice(-3);
    for (const invoice of discounted) {
      expect(invoice.lines.map((l) => [l.kind, l.amountCents])).toEqual([
        ['subscription', 2900],
        ['discount', -580],
      ]);
      expect(invoice.amountCents).toBe(2320);
    }
    expect(s.discount).toBeNull();
    s = await renew('accept', 1);
    expect(s.latestInvoice!.amountCents).toBe(2900);

    const report = await request(d.app).get('/reports/upsell');
    expect(report.body.extraMrr).toEqual(expect.arrayContaining([{ currency: 'EUR', amountCents: 2000 }]));
  });

  test('an offer expires after its days; no new offer comes until the cooldown has passed', async () => {
    const offered = await withOffer('expire');
    await d.advanceTo(offered.offer!.expiresAt);
    await d.advance(60_000);
    const expired = await d.until('expire', (s) => s.offer === null);
    expect(expired.offers.cooldownUntil).toBe(new Date(new Date(offered.offer!.expiresAt).getTime() + 30 * DAY).toISOString());
    expect(await offersOf('expire')).toEqual([expect.objectContaining({ status: 'expired' })]);
    expect(await hasOpenOffer('expire')).toBe(false);

    // Still at 3 seats: the next renewal falls inside the cooldown, the one after does not.
    const inCooldown = await renew('expire', 1);
    expect(inCooldown.offer).toBeNull();
    const after = await renew('expire', 1);
    expect(after.offer).toMatchObject({ ruleId: 'seats-next-tier', id: 'OFR-expire-0002' });
  });

  test('declining closes the offer and starts the cooldown; accepting it afterwards is refused', async () => {
    const offered = await withOffer('decline');
    const res = await d.post(`/subscriptions/decline/offers/${offered.offer!.id}/decline`);
    expect(res.status).toBe(200);
    expect(res.body.offer).toBeNull();
    expect((await d.post(`/subscriptions/decline/offers/${offered.offer!.id}/accept`)).status).toBe(409);
    expect(await offersOf('decline')).toEqual([expect.objectContaining({ status: 'declined' })]);

    // Usage still qualifies, but within the 30-day cooldown nothing is offered…
    await d.advance(10 * DAY);
    await reportSeats('decline', 3);
    expect((await d.get('decline')).offer).toBeNull();
    // …and after it the rule fires again.
    await d.advanceTo(res.body.offers.cooldownUntil);
    await d.advance(DAY);
    await reportSeats('decline', 3);
    expect((await d.get('decline')).offer).toMatchObject({ id: 'OFR-decline-0002', ruleId: 'seats-next-tier' });
  });
});

test('rules are data: editing one through the API changes what running subscriptions are offered', async () => {
  await create('rule_edit', 'basic-monthly');
  await reportSeats('rule_edit', 2); // 67% of 3 seats
  expect((await renew('rule_edit', 2)).offer).toBeNull();

  const rules = (await request(d.app).get('/offer-rules')).body.data;
  const seats = rules.find((r: { id: string }) => r.id === 'seats-next-tier');
  const edited = await request(d.app)
    .put('/offer-rules/seats-next-tier')
    .send({ ...seats, when: [{ usage: 'seats', atLeastRatio: 0.6, forPeriods: 2 }] });
  expect(edited.status).toBe(200);
  try {
    const renewed = await renew('rule_edit', 1);
    expect(renewed.offer).toMatchObject({ ruleId: 'seats-next-tier' });
  } finally {
    await request(d.app).put('/offer-rules/seats-next-tier').send(seats);
  }
  expect((await request(d.app).put('/offer-rules/seats-next-tier').send({ ...seats, when: [{ usage: 'seats', atLeastRatio: -1, forPeriods: 2 }] })).status).toBe(400);
});

test('the upsell report counts offers by outcome', async () => {
  const res = await request(d.app).get('/reports/upsell');
  expect(res.status).toBe(200);
  const { offers } = res.body;
  const rows = await h.db.prisma.offer.groupBy({ by: ['status'], _count: { _all: true } });
  const count = (status: string) => rows.find((r) => r.status === status)?._count._all ?? 0;
  expect(offers).toEqual({ made: offers.open + offers.accepted + offers.declined + offers.expired, open: count('open'), accepted: count('accepted'), declined: count('declined'), expired: count('expired') });
  expect(offers.accepted).toBeGreaterThanOrEqual(1);
  expect(offers.declined).toBeGreaterThanOrEqual(1);
  expect(offers.expired).toBeGreaterThanOrEqual(1);
});

test('usage reports are validated and need a subscription', async () => {
  expect((await d.post('/subscriptions/nobody/usage', { metric: 'seats', quantity: 1 })).status).toBe(404);
  await create('usage_bad', 'basic-monthly');
  expect((await d.post('/subscriptions/usage_bad/usage', { metric: 'Seats!', quantity: 1 })).status).toBe(400);
  expect((await d.post('/subscriptions/usage_bad/usage', { metric: 'seats', quantity: -1 })).status).toBe(400);
  await d.post('/subscriptions/usage_bad/usage', { metric: 'storage_gb', quantity: 5, mode: 'increment', eventId: 'e1' });
  await d.post('/subscriptions/usage_bad/usage', { metric: 'storage_gb', quantity: 5, mode: 'increment', eventId: 'e1' });
  await d.post('/subscriptions/usage_bad/usage', { metric: 'storage_gb', quantity: 2, mode: 'increment', eventId: 'e2' });
  // A usage report is a signal: the stored view (what GET answers) follows once the workflow took it.
  const view = await eventually(() => d.get('usage_bad'), (v) => v.usage.current.storage_gb === 7, 'usage in the stored view');
  expect(view.usage.current).toEqual({ storage_gb: 7 });
});

test('a rule broken by a hand edit in the database is skipped; billing and the other rules go on', async () => {
  await h.db.prisma.offerRule.create({ data: { id: 'broken-by-hand', description: 'not valid', priority: 100, definition: { when: 'always' } } });
  try {
    await create('broken_rule', 'basic-monthly');
    await reportSeats('broken_rule', 3);
    const renewed = await renew('broken_rule', 1);
    expect(renewed.latestInvoice).toMatchObject({ status: 'paid' });
    expect(renewed.offer).toMatchObject({ ruleId: 'seats-next-tier' });
  } finally {
    await h.db.prisma.offerRule.delete({ where: { id: 'broken-by-hand' } });
  }
});
