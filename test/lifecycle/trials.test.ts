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
// A test's subscriptions would otherwise renew, and bill, each time a later test moves the clock.
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await h?.teardown();
});

test('a trial charges nothing, reminds three days before it ends, then charges and becomes active', async () => {
  const created = await d.create({ id: 'trial_ok', customer: newCustomer('trial-ok'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa', trialDays: 14 });
  expect(created).toMatchObject({ status: 'trialing', latestInvoice: null, nextBillingAt: created.trialEnd });
  expect(new Date(created.trialEnd!).getTime() - new Date(created.createdAt).getTime()).toBe(14 * DAY);
  expect(await d.emails('trial_ok', 1)).toEqual(['welcome']);

  await d.advance(11 * DAY + 3_600_000); // past the reminder (day 11), before the end (day 14)
  expect(await d.emails('trial_ok', 2)).toEqual(['welcome', 'trial_ending']);
  expect(h.smtp.for('trial_ok')[1]!.text).toContain('€29.00');
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'trial_ok' } })).toBe(0);
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-trial_ok' } } })).toBe(0);
  expect((await d.get('trial_ok')).status).toBe('trialing');

  await d.advance(3 * DAY);
  const active = await d.until('trial_ok', (s) => s.status === 'active', 'trial converted');
  expect(active.currentPeriod.start).toBe(created.trialEnd);
  expect(active.latestInvoice).toMatchObject({ status: 'paid', amountCents: 2900, periodIndex: 1 });
  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'trial_ok' } });
  expect(invoices).toHaveLength(1);
  expect(invoices[0]!.periodStart.toISOString()).toBe(created.trialEnd);
  expect(await d.emails('trial_ok', 3)).toEqual(['welcome', 'trial_ending', 'receipt']);
  const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'trial_ok' } });
  expect(row.status).toBe('active');
});

test('the plan sets the trial length when the request does not (business: 14 days)', async () => {
  const created = await d.create({ id: 'trial_plan', customer: newCustomer('trial-plan'), plan: 'business-monthly', paymentMethod: 'pm_card_visa' });
  expect(created.status).toBe('trialing');
  expect(new Date(created.trialEnd!).getTime() - new Date(created.createdAt).getTime()).toBe(14 * DAY);
});

test('canceling during the trial ends the subscription without any charge', async () => {
  await d.create({ id: 'trial_cancel', customer: newCustomer('trial-cancel'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa', trialDays: 7 });
  await d.advance(2 * DAY);
  const res = await d.post('/subscriptions/trial_cancel/cancel', { when: 'now' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'canceled', cancelReason: 'requested', nextBillingAt: null });

  await d.advance(10 * DAY);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'trial_cancel' } })).toBe(0);
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-trial_cancel' } } })).toBe(0);
  expect(await d.emails('trial_cancel', 2)).toEqual(['welcome', 'canceled']);
  expect(await d.closed('trial_cancel')).toBe('COMPLETED');
  expect((await d.get('trial_cancel')).status).toBe('canceled');
});

test('a failed charge at trial end puts the subscription in past_due', async () => {
  await d.create({ id: 'trial_fail', customer: newCustomer('trial-fail'), plan: 'pro-monthly', paymentMethod: 'pm_card_insufficient_funds', trialDays: 3 });
  await d.advance(3 * DAY + 60_000);
  const state = await d.until('trial_fail', (s) => s.status === 'past_due', 'past_due after trial');
  expect(state.dunning).toMatchObject({ attempts: 1, lastDeclineCode: 'insufficient_funds' });
  // A 3-day trial is too short for a 3-day reminder: none is sent.
  expect(await d.emails('trial_fail', 2)).toEqual(['welcome', 'payment_failed']);
});
