import type { SubscriptionView } from '../../workflows/contract';
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

const ID = 'three_years';

test('three years: trial, upgrade, failed card, recovery, downgrade, pause, resume, cancel at period end — every invoice to the cent', async () => {
  /** The invoices the engine must issue, in order: amount and final status. */
  const expected: Array<{ amountCents: number; status: string }> = [];
  let s: SubscriptionView = await d.create({ id: ID, customer: newCustomer('three-years'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa', trialDays: 14 });
  const startedAt = new Date(s.createdAt).getTime();
  expect(s.status).toBe('trialing');

  async function renew(times: number, amountCents: number) {
    for (let i = 0; i < times; i += 1) {
      const period = s.periodIndex;
      await d.advanceTo(s.currentPeriod.end);
      s = await d.until(ID, (x) => x.periodIndex === period + 1 && x.latestInvoice?.status === 'paid', `renewal of period ${period + 1}`);
      expect(s.latestInvoice!.amountCents).toBe(amountCents);
      expected.push({ amountCents, status: 'paid' });
    }
  }

  // The trial ends: the first invoice, then two renewals on Pro.
  await renew(3, 2900);
  expect(s.status).toBe('active');

  // Upgrade to Business ten days into a period: credit for unused Pro, charge for Business.
  await d.advance(10 * DAY);
  const upgrade = (await d.post(`/subscriptions/${ID}/plan`, { plan: 'business-monthly' })).body;
  const upgradeAmount = prorated(9900, s.currentPeriod, upgrade.effectiveAt) - prorated(2900, s.currentPeriod, upgrade.effectiveAt);
  expect(upgrade.invoice.amountCents).toBe(upgradeAmount);
  expected.push({ amountCents: upgradeAmount, status: 'paid' });
  s = upgrade.subscription;
  await renew(4, 9900);

  // The card fails twice at the next renewal; the retry at +8 days succeeds on the same calendar.
  await d.post(`/subscriptions/${ID}/payment-method`, { paymentMethod: 'pm_card_fail_first_2' });
  const anchor = s.anchor;
  await d.advanceTo(s.currentPeriod.end);
  s = await d.until(ID, (x) => x.status === 'past_due');
  await d.advance(3 * DAY + 60_000);
  s = await d.until(ID, (x) => x.dunning?.attempts === 2);
  await d.advance(5 * DAY);
  s = await d.until(ID, (x) => x.status === 'active');
  expect(s.latestInvoice).toMatchObject({ amountCents: 9900, attempts: 3, status: 'paid' });
  expect(s.anchor).toBe(anchor);
  expected.push({ amountCents: 9900, status: 'paid' });
  await d.post(`/subscriptions/${ID}/payment-method`, { paymentMethod: 'pm_card_visa' });
  await renew(5, 9900);

  // Downgrade to Basic: scheduled for the end of the period, then Basic prices.
  const downgrade = (await d.post(`/subscriptions/${ID}/plan`, { plan: 'basic-monthly' })).body;
  expect(downgrade).toMatchObject({ timing: 'period_end', invoice: null });
  await renew(6, 900);

  // Pause twelve days into a period: the unused Basic time becomes credit.
  await d.advance(12 * DAY);
  const paused = (await d.post(`/subscriptions/${ID}/pause`, {})).body;
  const credit = prorated(900, s.currentPeriod, paused.pause.startedAt);
  expect(paused.creditBalanceCents).toBe(credit);
  await d.advance(61 * DAY);

  // Resume: a new period from today, its invoice reduced by the credit.
  s = (await d.post(`/subscriptions/${ID}/resume`, {})).body;
  expect(s.latestInvoice).toMatchObject({ amountCents: 900 - credit, status: 'paid' });
  expected.push({ amountCents: 900 - credit, status: 'paid' });

  // Basic renewals until the third anniversary, then cancel at period end.
  const threeYears = startedAt + 3 * 365 * DAY;
  const remaining = Math.ceil((threeYears - new Date(s.currentPeriod.end).getTime()) / (30.4 * DAY));
  await renew(remaining, 900);
  const canceling = (await d.post(`/subscriptions/${ID}/cancel`, { when: 'period_end' })).body;
  expect(canceling).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
  await d.advanceTo(s.currentPeriod.end);
  await d.advance(60_000);
  s = await d.until(ID, (x) => x.status === 'canceled');
  expect(s.endedAt).toBe(canceling.currentPeriod.end);
  expect(new Date(s.endedAt!).getTime()).toBeGreaterThan(threeYears);

  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: ID }, orderBy: { sequence: 'asc' } });
  expect(invoices.map((i) => ({ amountCents: i.amountCents, status: i.status }))).toEqual(expected);
  const totalPaid = invoices.reduce((sum, i) => sum + (i.status === 'paid' ? i.amountCents : 0), 0);
  expect(totalPaid).toBe(expected.reduce((sum, i) => sum + i.amountCents, 0));
  const charged = await h.db.prisma.sandboxCharge.aggregate({ where: { reference: { startsWith: `INV-${ID}-` }, outcome: 'succeeded' }, _sum: { amountCents: true } });
  expect(charged._sum.amountCents).toBe(totalPaid);

  // Upsell rules made offers along the way (none accepted); none outlives the subscription.
  const offers = await h.db.prisma.offer.findMany({ where: { subscriptionId: ID } });
  expect(offers.length).toBeGreaterThan(0);
  expect(offers.every((offer) => offer.status === 'expired')).toBe(true);

  // A receipt per invoice, an offer email per offer, plus welcome, trial ending, two plan changes,
  // two failures, paused, resumed, canceled.
  const templates = await d.emails(ID, expected.length + offers.length + 9);
  expect(templates).toHaveLength(expected.length + offers.length + 9);
  expect(templates.filter((t) => t === 'offer')).toHaveLength(offers.length);
  const count = (template: string) => templates.filter((t) => t === template).length;
  expect(count('receipt')).toBe(expected.length);
  expect([count('welcome'), count('trial_ending'), count('plan_changed'), count('payment_failed'), count('paused'), count('resumed'), count('canceled')]).toEqual([1, 1, 2, 2, 1, 1, 1]);
  expect(await d.closed(ID)).toBe('COMPLETED');
  console.log(`three-year scenario: ${invoices.length} invoices, ${(totalPaid / 100).toFixed(2)} EUR collected, ${s.runs.count} workflow runs, largest run ${s.runs.maxHistoryLength} events`);
});
