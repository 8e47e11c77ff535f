// Charges that answer neither paid nor declined: 3-D Secure (the customer must authenticate) and
// asynchronous settlement (a wallet agreement). The sandbox stands in for the provider: its settle
// callback signals the subscription as a provider's webhook does.
import request from 'supertest';
import type { Harness } from '../support/harness';
import { retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { paymentEvent } from '../../workflows/contract';

const HOUR = 3_600_000;

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

const attemptsOf = (subscriptionId: string) =>
  h.db.prisma.paymentAttempt.findMany({ where: { invoice: { subscriptionId } }, orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }], include: { invoice: true } });

/** What the customer's browser does on the sandbox bank's page. */
const settle = (chargeId: string, outcome: 'succeeded' | 'failed') => request(d.app).post(`/sandbox/charges/${chargeId}/settle?outcome=${outcome}`).set('Accept', 'application/json');

/** Active on a working card, then on `card` from its first renewal. */
async function renewingWith(id: string, card: string) {
  const created = await d.create({ id, customer: newCustomer(id), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post(`/subscriptions/${id}/payment-method`, { paymentMethod: card })).status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  return created;
}

test('a first payment that needs 3-D Secure waits incomplete, emails the link, and activates once the customer authenticates', async () => {
  const created = await d.create({ id: 'sca_first', customer: newCustomer('sca_first'), plan: 'pro-monthly', paymentMethod: SANDBOX_TOKENS.authenticationRequired });
  expect(created.status).toBe('incomplete');
  expect(created.pendingPayment).toMatchObject({ reason: 'action_required', actionUrl: expect.stringMatching(/\/sandbox\/charges\/ch_/) });
  const chargeId = created.pendingPayment!.chargeId;
  expect(await d.emails('sca_first', 1)).toEqual(['payment_action_required']);
  const mail = h.smtp.for('sca_first')[0]!;
  expect(mail.text).toContain(`Confirm it here: ${created.pendingPayment!.actionUrl}`);

  const page = await request(d.app).get(`/sandbox/charges/${chargeId}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Confirm payment');

  expect((await settle(chargeId, 'succeeded')).body).toMatchObject({ outcome: 'succeeded', subscriptionsTold: ['sca_first'] });
  const active = await d.until('sca_first', (s) => s.status === 'active', 'active after authentication');
  expect(active.pendingPayment).toBeNull();
  expect(active.latestInvoice).toMatchObject({ status: 'paid', attempts: 1 });
  expect(await d.emails('sca_first', 3)).toEqual(['payment_action_required', 'receipt', 'welcome']);
  const attempts = await attemptsOf('sca_first');
  expect(attempts.map((a) => [a.outcome, a.gatewayChargeId])).toEqual([['succeeded', chargeId]]);
});

test('a renewal that needs 3-D Secure is past due with the action pending, and no dunning retry charges meanwhile', async () => {
  await renewingWith('sca_renewal', SANDBOX_TOKENS.authenticationRequired);
  const waiting = await d.until('sca_renewal', (s) => s.pendingPayment !== null, 'pending action');
  expect(waiting).toMatchObject({ status: 'past_due', dunning: null, pendingPayment: { reason: 'action_required' } });
  // Past the first dunning retry's time (+3 days) but inside the 72-hour action window: still one attempt.
  await d.advance(60 * HOUR);
  expect((await attemptsOf('sca_renewal')).filter((a) => a.invoice.periodIndex === 1).map((a) => a.outcome)).toEqual(['pending']);

  await settle(waiting.pendingPayment!.chargeId, 'succeeded');
  const paid = await d.until('sca_renewal', (s) => s.status === 'active', 'active after authentication');
  expect(paid).toMatchObject({ pendingPayment: null, dunning: null, latestInvoice: { status: 'paid' } });
});

test('a dunning retry that needs authentication holds the next scheduled retry until it ends', async () => {
  await renewingWith('sca_dunning', 'pm_card_insufficient_funds');
  const failing = await d.until('sca_dunning', (s) => s.dunning !== null, 'dunning');
  const scheduledRetry = Date.parse(failing.dunning!.nextRetryAt!);
  await d.advance(DAY);
  // A new card retries at once; this one needs the customer.
  expect((await d.post('/subscriptions/sca_dunning/payment-method', { paymentMethod: SANDBOX_TOKENS.authenticationRequired })).status).toBe(200);
  const waiting = await d.until('sca_dunning', (s) => s.pendingPayment !== null, 'pending action');
  expect(Date.parse(waiting.pendingPayment!.expiresAt)).toBeGreaterThan(scheduledRetry);
  await d.advanceTo(new Date(scheduledRetry + HOUR).toISOString());
  const renewal = () => attemptsOf('sca_dunning').then((all) => all.filter((a) => a.invoice.periodIndex === 1).map((a) => a.outcome));
  expect(await renewal()).toEqual(['declined', 'pending']);
  await settle(waiting.pendingPayment!.chargeId, 'succeeded');
  expect(await d.until('sca_dunning', (s) => s.status === 'active', 'recovered')).toMatchObject({ dunning: null, pendingPayment: null });
  expect(await renewal()).toEqual(['declined', 'succeeded']);
});

test('a first payment never authenticated expires the subscription at the end of the first-payment window', async () => {
  const created = await d.create({ id: 'sca_expire', customer: newCustomer('sca_expire'), plan: 'pro-monthly', paymentMethod: SANDBOX_TOKENS.authenticationRequired });
  const window = Date.parse(created.createdAt) + 23 * HOUR;
  expect(Date.parse(created.pendingPayment!.expiresAt)).toBeLessThan(window);
  await d.advanceTo(new Date(window + HOUR).toISOString());
  const expired = await d.until('sca_expire', (s) => s.status === 'incomplete_expired', 'expired');
  expect(expired).toMatchObject({ pendingPayment: null, latestInvoice: { status: 'void' } });
  expect(await h.db.prisma.sandboxCharge.findUniqueOrThrow({ where: { chargeId: created.pendingPayment!.chargeId } })).toMatchObject({ outcome: 'declined' });
});

test('an action never taken is canceled at its deadline and the invoice goes to dunning as a soft decline', async () => {
  await renewingWith('sca_timeout', SANDBOX_TOKENS.authenticationRequired);
  const waiting = await d.until('sca_timeout', (s) => s.pendingPayment !== null, 'pending action');
  const deadline = Date.parse(waiting.pendingPayment!.expiresAt);
  expect(deadline - Date.parse(waiting.pendingPayment!.since)).toBe(72 * HOUR);
  await d.advanceTo(new Date(deadline + 60_000).toISOString());
  const dunning = await d.until('sca_timeout', (s) => s.dunning !== null, 'dunning after the deadline');
  expect(dunning).toMatchObject({ status: 'past_due', pendingPayment: null, dunning: { attempts: 1, lastDeclineCode: 'payment_canceled', lastDeclineType: 'soft' } });
  expect(Date.parse(dunning.dunning!.nextRetryAt!)).toBe(deadline + 3 * DAY);
  const charge = await h.db.prisma.sandboxCharge.findUniqueOrThrow({ where: { chargeId: waiting.pendingPayment!.chargeId } });
  expect(charge).toMatchObject({ outcome: 'declined', declineCode: 'payment_canceled' });
  // Authenticating after the cancel changes nothing: the charge ended.
  expect((await settle(waiting.pendingPayment!.chargeId, 'succeeded')).body).toMatchObject({ outcome: 'declined' });
  expect((await d.get('sca_timeout')).dunning).toMatchObject({ attempts: 1 });
});

test('a charge that settles later keeps the subscription active, then pays the invoice when the settlement arrives', async () => {
  await renewingWith('async_ok', SANDBOX_TOKENS.asyncSucceeds);
  const processing = await d.until('async_ok', (s) => s.pendingPayment !== null, 'processing');
  expect(processing).toMatchObject({ status: 'active', pendingPayment: { reason: 'processing', actionUrl: null }, latestInvoice: { status: 'open' } });
  await d.advance(DAY);
  await request(d.app).post(`/sandbox/charges/${processing.pendingPayment!.chargeId}/settle`).set('Accept', 'application/json').expect(200);
  const paid = await d.until('async_ok', (s) => s.latestInvoice?.status === 'paid', 'paid on settlement');
  expect(paid).toMatchObject({ status: 'active', pendingPayment: null });
  // Paid when it settled, not when it was asked for.
  expect(Date.parse(paid.latestInvoice!.paidAt!) - Date.parse(processing.pendingPayment!.since)).toBeGreaterThanOrEqual(DAY);
  expect(await d.emails('async_ok', 3)).toEqual(['receipt', 'welcome', 'receipt']);
});

test('a charge that settles as failed starts dunning from the settlement', async () => {
  await renewingWith('async_fail', SANDBOX_TOKENS.asyncFails);
  const processing = await d.until('async_fail', (s) => s.pendingPayment !== null, 'processing');
  await request(d.app).post(`/sandbox/charges/${processing.pendingPayment!.chargeId}/settle`).set('Accept', 'application/json').expect(200);
  const failed = await d.until('async_fail', (s) => s.dunning !== null, 'dunning');
  expect(failed).toMatchObject({ status: 'past_due', pendingPayment: null, dunning: { attempts: 1, lastDeclineCode: 'insufficient_funds' } });
});

test('repeated and late settlement signals change nothing twice', async () => {
  await renewingWith('async_replay', SANDBOX_TOKENS.asyncSucceeds);
  const processing = await d.until('async_replay', (s) => s.pendingPayment !== null, 'processing');
  const chargeId = processing.pendingPayment!.chargeId;
  await settle(chargeId, 'succeeded').expect(200);
  await settle(chargeId, 'failed').expect(200);
  const handle = h.env.client.workflow.getHandle('subscription-async_replay');
  await handle.signal(paymentEvent, { kind: 'charge_updated', eventId: 'evt_replayed', chargeId });
  await handle.signal(paymentEvent, { kind: 'charge_updated', eventId: 'evt_other', chargeId: 'ch_not_ours' });
  const paid = await d.until('async_replay', (s) => s.latestInvoice?.status === 'paid', 'paid');
  expect(paid.stats.failedPayments).toBe(0);
  const renewal = (await attemptsOf('async_replay')).filter((a) => a.invoice.periodIndex === 1);
  expect(renewal.map((a) => a.outcome)).toEqual(['succeeded']);
  expect(await d.emails('async_replay', 3)).toEqual(['receipt', 'welcome', 'receipt']);
});

test('canceling now while a payment is in flight ends it at the gateway first: nothing is charged after', async () => {
  await renewingWith('sca_cancel', SANDBOX_TOKENS.authenticationRequired);
  const waiting = await d.until('sca_cancel', (s) => s.pendingPayment !== null, 'pending action');
  expect((await d.post('/subscriptions/sca_cancel/cancel', { when: 'now' })).status).toBe(200);
  const canceled = await d.until('sca_cancel', (s) => s.status === 'canceled', 'canceled');
  expect(canceled.pendingPayment).toBeNull();
  expect(await h.db.prisma.sandboxCharge.findUniqueOrThrow({ where: { chargeId: waiting.pendingPayment!.chargeId } })).toMatchObject({ outcome: 'declined' });
  expect((await settle(waiting.pendingPayment!.chargeId, 'succeeded')).body).toMatchObject({ outcome: 'declined' });
  expect(await h.db.prisma.paymentAttempt.count({ where: { invoice: { subscriptionId: 'sca_cancel' }, outcome: 'succeeded' } })).toBe(1);
});

test('a new card while an action is pending ends the pending charge, then charges the new card once', async () => {
  await renewingWith('sca_newcard', SANDBOX_TOKENS.authenticationRequired);
  const waiting = await d.until('sca_newcard', (s) => s.pendingPayment !== null, 'pending action');
  expect((await d.post('/subscriptions/sca_newcard/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
  const active = await d.until('sca_newcard', (s) => s.status === 'active', 'active on the new card');
  expect(active).toMatchObject({ pendingPayment: null, dunning: null, latestInvoice: { status: 'paid' } });
  const renewal = (await attemptsOf('sca_newcard')).filter((a) => a.invoice.periodIndex === 1);
  expect(renewal.map((a) => [a.attempt, a.outcome])).toEqual([
    [1, 'declined'],
    [2, 'succeeded'],
  ]);
  expect(renewal[0]!.gatewayChargeId).toBe(waiting.pendingPayment!.chargeId);
});

test('an upgrade whose charge needs authentication is declined with 402 and its charge ended: nothing changes', async () => {
  const created = await d.create({ id: 'sca_upgrade', customer: newCustomer('sca_upgrade'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.post('/subscriptions/sca_upgrade/payment-method', { paymentMethod: SANDBOX_TOKENS.authenticationRequired });
  const res = await d.post('/subscriptions/sca_upgrade/plan', { plan: 'pro-monthly' });
  expect(res.status).toBe(402);
  const after = await d.get('sca_upgrade');
  expect(after).toMatchObject({ status: 'active', plan: { code: 'basic-monthly' }, pendingPayment: null });
  const pendingLeft = await h.db.prisma.sandboxCharge.count({ where: { outcome: 'pending', paymentMethod: SANDBOX_TOKENS.authenticationRequired } });
  expect(pendingLeft).toBe(await h.db.prisma.paymentAttempt.count({ where: { outcome: 'pending' } }));
  expect(created.plan.code).toBe('basic-monthly');
});
