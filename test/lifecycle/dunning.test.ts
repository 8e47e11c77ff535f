import { DunningAttemptKey, SubscriptionStatusKey } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { DEFAULT_POLICY } from '../../domain/subscription';

let h: Harness;
let d: Driver;
let unpaidPolicy: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
  unpaidPolicy = driver(h, testApp(h, { ...DEFAULT_POLICY, dunning: { retryDelaysDays: [1, 2], finalAction: 'unpaid' } }));
});
afterAll(async () => {
  await h?.teardown();
});

/** An active subscription whose card starts failing before its first renewal. */
async function activeThenFailing(dr: Driver, id: string, failingCard: string) {
  const created = await dr.create({ id, customer: newCustomer(id), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const res = await dr.post(`/subscriptions/${id}/payment-method`, { paymentMethod: failingCard });
  expect(res.status).toBe(200);
  await dr.advanceTo(created.currentPeriod.end);
  return created;
}

const attemptsOn = (invoiceNumber: string) =>
  h.db.prisma.paymentAttempt.findMany({ where: { invoice: { reference: invoiceNumber } }, orderBy: { attempt: 'asc' } });

test('a soft decline retries on the schedule (+3, +8, +15, +21 days), emails each failure, then cancels', async () => {
  const created = await activeThenFailing(d, 'dun_soft', 'pm_card_insufficient_funds');
  const pastDue = await d.until('dun_soft', (s) => s.status === 'past_due', 'past_due');
  const started = new Date(pastDue.dunning!.startedAt).getTime();
  expect(pastDue.dunning).toMatchObject({ attempts: 1, nextRetryAt: new Date(started + 3 * DAY).toISOString() });
  expect(pastDue.nextBillingAt).toBe(pastDue.dunning!.nextRetryAt);
  const description = await h.env.client.workflow.getHandle('subscription-dun_soft').describe();
  expect(description.typedSearchAttributes.get(SubscriptionStatusKey)).toBe('past_due');
  expect(description.typedSearchAttributes.get(DunningAttemptKey)).toBe(1);

  const expectedRetries = [3, 8, 15, 21].map((days) => new Date(started + days * DAY).toISOString());
  await d.advance(3 * DAY + 60_000);
  expect((await d.until('dun_soft', (s) => s.dunning?.attempts === 2)).dunning!.nextRetryAt).toBe(expectedRetries[1]);
  await d.advance(5 * DAY);
  expect((await d.until('dun_soft', (s) => s.dunning?.attempts === 3)).dunning!.nextRetryAt).toBe(expectedRetries[2]);
  await d.advance(7 * DAY);
  expect((await d.until('dun_soft', (s) => s.dunning?.attempts === 4)).dunning!.nextRetryAt).toBe(expectedRetries[3]);
  await d.advance(6 * DAY);
  const ended = await d.until('dun_soft', (s) => s.status === 'canceled', 'canceled after the last retry');
  expect(ended).toMatchObject({ cancelReason: 'non_payment', dunning: null, latestInvoice: { status: 'void' } });

  const invoiceNumber = pastDue.latestInvoice!.number;
  const attempts = await attemptsOn(invoiceNumber);
  expect(attempts.map((a) => a.outcome)).toEqual(['declined', 'declined', 'declined', 'declined', 'declined']);
  // Each retry ran at its scheduled time, counted from the first failure.
  expect(attempts.map((a) => a.createdAt.getTime() - started)).toEqual([0, 3, 8, 15, 21].map((days) => days * DAY));
  expect((await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: invoiceNumber } })).status).toBe('void');

  const templates = await d.emails('dun_soft', 7);
  expect(templates).toEqual(['receipt', 'welcome', 'payment_failed', 'payment_failed', 'payment_failed', 'final_notice', 'canceled']);
  const received = (template: string) => h.smtp.for('dun_soft').filter((mail) => mail.template === template);
  const firstFailure = received('payment_failed')[0]!;
  expect(firstFailure.text).toContain('insufficient funds');
  const longDate = (at: string) => new Date(at).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
  expect(firstFailure.text).toContain(`We will try again on ${longDate(expectedRetries[0]!)} at `);
  expect(received('final_notice')[0]!.text).toContain(`final attempt on ${longDate(expectedRetries[3]!)} at `);
  expect(new Date(created.currentPeriod.end).getTime()).toBe(started);
  expect(await d.closed('dun_soft')).toBe('COMPLETED');
});

test('a successful retry returns to active and keeps the original billing anchor', async () => {
  const created = await activeThenFailing(d, 'dun_recover', 'pm_card_fail_first_2');
  const recovered = await (async () => {
    await d.until('dun_recover', (s) => s.status === 'past_due');
    await d.advance(3 * DAY + 60_000);
    await d.until('dun_recover', (s) => s.dunning?.attempts === 2);
    await d.advance(5 * DAY);
    return d.until('dun_recover', (s) => s.status === 'active', 'recovered');
  })();
  expect(recovered.dunning).toBeNull();
  expect(recovered.latestInvoice).toMatchObject({ status: 'paid', attempts: 3 });
  // Still the calendar of the original anchor: the period that started at the failed renewal.
  expect(recovered.anchor).toBe(created.anchor);
  expect(recovered.currentPeriod.start).toBe(created.currentPeriod.end);

  // The card works from now on; the next renewal comes on the original calendar.
  expect((await d.post('/subscriptions/dun_recover/payment-method', { paymentMethod: 'pm_card_visa' })).status).toBe(200);
  await d.advanceTo(recovered.currentPeriod.end);
  const renewed = await d.until('dun_recover', (s) => s.periodIndex === 2 && s.latestInvoice?.status === 'paid');
  expect(renewed.currentPeriod.start).toBe(recovered.currentPeriod.end);
  expect(await d.emails('dun_recover', 6)).toEqual(['receipt', 'welcome', 'payment_failed', 'payment_failed', 'receipt', 'receipt']);
});

test('a hard decline is not retried until the payment method changes, which retries at once', async () => {
  await activeThenFailing(d, 'dun_hard', 'pm_card_stolen');
  const pastDue = await d.until('dun_hard', (s) => s.status === 'past_due');
  expect(pastDue.dunning).toMatchObject({ attempts: 1, nextRetryAt: null, lastDeclineType: 'hard', lastDeclineCode: 'stolen_card' });

  await d.advance(10 * DAY);
  expect(await attemptsOn(pastDue.latestInvoice!.number)).toHaveLength(1);
  expect(h.smtp.for('dun_hard').find((mail) => mail.template === 'payment_failed')!.text).toContain('update your payment method');

  const res = await d.post('/subscriptions/dun_hard/payment-method', { paymentMethod: 'pm_card_visa' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'active', dunning: null, paymentMethod: 'pm_card_visa', latestInvoice: { status: 'paid', attempts: 2 } });
  expect((await attemptsOn(pastDue.latestInvoice!.number)).map((a) => a.outcome)).toEqual(['declined', 'succeeded']);
});

test('a hard decline that is never fixed cancels at the end of the dunning window', async () => {
  await activeThenFailing(d, 'dun_hard_end', 'pm_card_expired');
  const pastDue = await d.until('dun_hard_end', (s) => s.status === 'past_due');
  await d.advanceTo(pastDue.dunning!.deadline);
  await d.advance(60_000);
  const ended = await d.until('dun_hard_end', (s) => s.status === 'canceled');
  expect(ended.endedAt).toBe(pastDue.dunning!.deadline);
});

test('with the unpaid policy, exhausted retries suspend the subscription; a new card reactivates it with a fresh period', async () => {
  await activeThenFailing(unpaidPolicy, 'dun_unpaid', 'pm_card_insufficient_funds');
  const pastDue = await unpaidPolicy.until('dun_unpaid', (s) => s.status === 'past_due');
  await unpaidPolicy.advance(3 * DAY + 60_000);
  const unpaid = await unpaidPolicy.until('dun_unpaid', (s) => s.status === 'unpaid', 'unpaid');
  expect(unpaid).toMatchObject({ nextBillingAt: null, latestInvoice: { status: 'uncollectible' } });
  expect((await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: pastDue.latestInvoice!.number } })).status).toBe('uncollectible');
  expect(await unpaidPolicy.emails('dun_unpaid', 5)).toEqual(['receipt', 'welcome', 'payment_failed', 'final_notice', 'unpaid']);

  await unpaidPolicy.advance(20 * DAY);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'dun_unpaid' } })).toBe(2);

  const now = new Date(await h.env.currentTimeMs()).getTime();
  const res = await unpaidPolicy.post('/subscriptions/dun_unpaid/payment-method', { paymentMethod: 'pm_card_visa' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'active', latestInvoice: { status: 'paid', amountCents: 2900 } });
  expect(Math.abs(new Date(res.body.anchor).getTime() - now)).toBeLessThan(60_000);
  expect(res.body.currentPeriod.start).toBe(res.body.anchor);
});

test('a failed first payment leaves the subscription incomplete until a working card completes it', async () => {
  const created = await d.create({ id: 'first_fail', customer: newCustomer('first-fail'), plan: 'basic-monthly', paymentMethod: 'pm_card_declined' });
  expect(created).toMatchObject({ status: 'incomplete', latestInvoice: { status: 'open', attempts: 1 } });
  expect(new Date(created.dunning!.deadline).getTime() - new Date(created.createdAt).getTime()).toBe(23 * 3_600_000);
  expect(await d.emails('first_fail', 1)).toEqual(['payment_failed']);

  const res = await d.post('/subscriptions/first_fail/payment-method', { paymentMethod: 'pm_card_visa' });
  expect(res.body).toMatchObject({ status: 'active', latestInvoice: { status: 'paid', attempts: 2 } });
  expect(await d.emails('first_fail', 3)).toEqual(['payment_failed', 'receipt', 'welcome']);
});

test('an incomplete subscription expires when the first payment is not completed within 23 hours', async () => {
  const created = await d.create({ id: 'first_expire', customer: newCustomer('first-expire'), plan: 'basic-monthly', paymentMethod: 'pm_card_declined' });
  await d.advance(23 * 3_600_000 + 60_000);
  const expired = await d.until('first_expire', (s) => s.status === 'incomplete_expired');
  expect(expired).toMatchObject({ cancelReason: 'payment_not_completed', endedAt: created.dunning!.deadline });
  const invoice = await h.db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId: 'first_expire' } });
  expect(invoice.status).toBe('void');
  expect(await d.closed('first_expire')).toBe('COMPLETED');
});
