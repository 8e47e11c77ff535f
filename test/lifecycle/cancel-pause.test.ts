import { periodBoundary } from '../../domain/calendar';
import { CancelAtPeriodEndKey } from '../../workflows/contract';
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

function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}
const monthly = { unit: 'month', count: 1 } as const;

describe('cancel', () => {
  test('canceling now with a prorated refund ends the subscription and refunds the unused time once', async () => {
    const created = await d.create({ id: 'cancel_refund', customer: newCustomer('cancel-refund'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.advance(10 * DAY);
    const res = await d.post('/subscriptions/cancel_refund/cancel', { when: 'now', refund: 'prorated' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'canceled', cancelReason: 'requested', nextBillingAt: null });
    const refund = prorated(2900, created.currentPeriod, res.body.endedAt);

    const notes = await h.db.prisma.creditNote.findMany({ where: { invoice: { subscriptionId: 'cancel_refund' } } });
    expect(notes.map((n) => n.amountCents)).toEqual([refund]);
    expect(await h.db.prisma.sandboxRefund.count({ where: { refundId: notes[0]!.gatewayRefundId! } })).toBe(1);
    expect(await d.emails('cancel_refund', 3)).toEqual(['receipt', 'welcome', 'canceled']);
    expect(h.smtp.for('cancel_refund').find((m) => m.template === 'canceled')!.text).toContain(`We refunded €${(refund / 100).toFixed(2)}`);
    expect(await d.closed('cancel_refund')).toBe('COMPLETED');
    expect((await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'cancel_refund' } })).status).toBe('canceled');
  });

  test('canceling at period end keeps the subscription until the period ends, then ends it without a new invoice', async () => {
    const created = await d.create({ id: 'cancel_end', customer: newCustomer('cancel-end'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    const res = await d.post('/subscriptions/cancel_end/cancel', {});
    expect(res.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, nextBillingAt: null });
    const description = await h.env.client.workflow.getHandle('subscription-cancel_end').describe();
    expect(description.typedSearchAttributes.get(CancelAtPeriodEndKey)).toBe(true);

    await d.advanceTo(created.currentPeriod.end);
    await d.advance(60_000);
    const ended = await d.until('cancel_end', (s) => s.status === 'canceled');
    expect(ended.endedAt).toBe(created.currentPeriod.end);
    expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'cancel_end' } })).toBe(1);
    expect(await d.emails('cancel_end', 3)).toEqual(['receipt', 'welcome', 'canceled']);
  });

  test('uncanceling before the period ends keeps the subscription renewing', async () => {
    const created = await d.create({ id: 'uncancel', customer: newCustomer('uncancel'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.post('/subscriptions/uncancel/cancel', { when: 'period_end' });
    const res = await d.post('/subscriptions/uncancel/uncancel');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cancelAtPeriodEnd: false, canceledAt: null, nextBillingAt: created.currentPeriod.end });
    expect((await d.post('/subscriptions/uncancel/uncancel')).status).toBe(409);

    await d.advanceTo(created.currentPeriod.end);
    const renewed = await d.until('uncancel', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid');
    expect(renewed.status).toBe('active');
  });

  test.each([
    ['twice at period end', [{ when: 'period_end' }, { when: 'period_end' }], 409],
    ['with a refund at period end', [{ when: 'period_end', refund: 'prorated' }], 409],
    ['with an unknown timing', [{ when: 'yesterday' }], 400],
    ['with an unknown field', [{ when: 'now', reason: 'too expensive' }], 400],
  ])('canceling %s is refused', async (what, bodies, status) => {
    const id = `cancel_refused_${what.replace(/\W+/g, '_')}`;
    await d.create({ id, customer: newCustomer(id), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    let res;
    for (const body of bodies) res = await d.post(`/subscriptions/${id}/cancel`, body);
    expect(res!.status).toBe(status);
    expect(res!.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('pause and resume', () => {
  test('pausing now credits the unused time; resuming starts a new period at the resume and applies the credit', async () => {
    const created = await d.create({ id: 'pause_now', customer: newCustomer('pause-now'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.advance(10 * DAY);
    const paused = await d.post('/subscriptions/pause_now/pause', {});
    expect(paused.status).toBe(200);
    const credit = prorated(2900, created.currentPeriod, paused.body.pause.startedAt);
    expect(paused.body).toMatchObject({ status: 'paused', creditBalanceCents: credit, nextBillingAt: null, pause: { resumesAt: null } });

    await d.advance(40 * DAY);
    expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'pause_now' } })).toBe(1);

    const resumed = await d.post('/subscriptions/pause_now/resume', {});
    expect(resumed.status).toBe(200);
    const at = resumed.body.anchor;
    expect(resumed.body).toMatchObject({ status: 'active', pause: null, creditBalanceCents: 0, currentPeriod: { start: at, end: periodBoundary(at, monthly, 1).toISOString() } });
    expect(resumed.body.latestInvoice).toMatchObject({ status: 'paid', amountCents: 2900 - credit });
    const lines = await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: resumed.body.latestInvoice.number } }, orderBy: { position: 'asc' } });
    expect(lines.map((l) => [l.kind, l.amountCents])).toEqual([
      ['subscription', 2900],
      ['customer_balance', -credit],
    ]);
    // Resuming and billing the new period are one step: its emails share an instant, sorted by template.
    expect(await d.emails('pause_now', 5)).toEqual(['receipt', 'welcome', 'paused', 'receipt', 'resumed']);
  });

  test('a pause for two periods resumes on its own and bills again', async () => {
    await d.create({ id: 'pause_two', customer: newCustomer('pause-two'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    const paused = await d.post('/subscriptions/pause_two/pause', { periods: 2 });
    const resumesAt = periodBoundary(paused.body.pause.startedAt, monthly, 2).toISOString();
    expect(paused.body.pause.resumesAt).toBe(resumesAt);
    expect(paused.body.nextBillingAt).toBe(resumesAt);

    await d.advanceTo(resumesAt);
    await d.advance(60_000);
    const resumed = await d.until('pause_two', (s) => s.status === 'active' && s.latestInvoice?.periodIndex === 1);
    expect(resumed.anchor).toBe(resumesAt);
    expect(resumed.latestInvoice).toMatchObject({ status: 'paid' });
  });

  test('resuming with billingAnchor "keep" bills the rest of the original calendar period, prorated', async () => {
    const created = await d.create({ id: 'pause_keep', customer: newCustomer('pause-keep'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    const scheduled = await d.post('/subscriptions/pause_keep/pause', { when: 'period_end' });
    expect(scheduled.body).toMatchObject({ status: 'active', pauseAtPeriodEnd: { periods: null } });
    await d.advanceTo(created.currentPeriod.end);
    const paused = await d.until('pause_keep', (s) => s.status === 'paused');
    expect(paused).toMatchObject({ creditBalanceCents: 0, pause: { startedAt: created.currentPeriod.end } });
    expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'pause_keep' } })).toBe(1);

    await d.advance(10 * DAY);
    const res = await d.post('/subscriptions/pause_keep/resume', { billingAnchor: 'keep' });
    const calendar = { start: periodBoundary(created.anchor, monthly, 1).toISOString(), end: periodBoundary(created.anchor, monthly, 2).toISOString() };
    const resumedAt = res.body.currentPeriod.start;
    expect(res.body).toMatchObject({ status: 'active', anchor: created.anchor, currentPeriod: { end: calendar.end } });
    expect(res.body.latestInvoice).toMatchObject({ status: 'paid', amountCents: prorated(2900, calendar, resumedAt) });
  });

  test.each([
    ['pause a paused subscription', 'pause', {}, 409],
    ['resume an active subscription', 'resume', {}, 409],
    ['pause for zero periods', 'pause', { periods: 0 }, 400],
  ])('it refuses to %s', async (_what, command, body, status) => {
    const id = `pause_refused_${command}_${status}`;
    await d.create({ id, customer: newCustomer(id), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    if (command === 'pause' && status === 409) await d.post(`/subscriptions/${id}/pause`, {});
    const res = await d.post(`/subscriptions/${id}/${command}`, body);
    expect(res.status).toBe(status);
  });

  test('a past-due subscription cannot be paused', async () => {
    const created = await d.create({ id: 'pause_past_due', customer: newCustomer('pause-past-due'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.post('/subscriptions/pause_past_due/payment-method', { paymentMethod: 'pm_card_declined' });
    await d.advanceTo(created.currentPeriod.end);
    await d.until('pause_past_due', (s) => s.status === 'past_due');
    const res = await d.post('/subscriptions/pause_past_due/pause', {});
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('a subscription that is past due cannot be paused');
  });
});

describe('canceling now from every status that allows it', () => {
  test('a paused subscription cancels at once', async () => {
    await d.create({ id: 'cancel_paused', customer: newCustomer('cancel-paused'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.post('/subscriptions/cancel_paused/pause', {});
    const res = await d.post('/subscriptions/cancel_paused/cancel', { when: 'now' });
    expect(res.body).toMatchObject({ status: 'canceled', pause: { resumesAt: null } });
    expect(await d.closed('cancel_paused')).toBe('COMPLETED');
  });

  test('a past-due subscription cancels at once and its open invoice is voided', async () => {
    const created = await d.create({ id: 'cancel_past_due', customer: newCustomer('cancel-past-due'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    await d.post('/subscriptions/cancel_past_due/payment-method', { paymentMethod: 'pm_card_declined' });
    await d.advanceTo(created.currentPeriod.end);
    const pastDue = await d.until('cancel_past_due', (s) => s.status === 'past_due');
    const res = await d.post('/subscriptions/cancel_past_due/cancel', { when: 'now' });
    expect(res.body).toMatchObject({ status: 'canceled', dunning: null, latestInvoice: { status: 'void' } });
    expect((await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: pastDue.latestInvoice!.number } })).status).toBe('void');
    // Canceling at period end is not possible while past due: only now.
    expect(await d.closed('cancel_past_due')).toBe('COMPLETED');
  });

  test('an incomplete subscription cancels at once without ever charging', async () => {
    await d.create({ id: 'cancel_incomplete', customer: newCustomer('cancel-incomplete'), plan: 'pro-monthly', paymentMethod: 'pm_card_declined' });
    expect((await d.post('/subscriptions/cancel_incomplete/cancel', { when: 'period_end' })).status).toBe(409);
    const res = await d.post('/subscriptions/cancel_incomplete/cancel', { when: 'now' });
    expect(res.body).toMatchObject({ status: 'canceled' });
    expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: 'INV-cancel_incomplete-' }, outcome: 'succeeded' } })).toBe(0);
  });

  test('an ended subscription refuses further commands with 409', async () => {
    const res = await d.post('/subscriptions/cancel_paused/resume', {});
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('has ended');
  });
});
