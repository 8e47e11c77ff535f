// Money invariants that command sequences used to break (issue 11): credit never above what was
// paid, refunds never above what was paid for the period, credit given back when the invoice that
// used it is voided, and a retried command applied once.
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import request from 'supertest';
import type { Harness } from '../support/harness';
import { eventually, rawTestApp, retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import { workflowHealth } from '../../simulator/health';

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

const create = (id: string, plan: string, paymentMethod = 'pm_card_visa') => d.create({ id, customer: newCustomer(id), plan, paymentMethod });

/** Independent of the domain code: amount × remaining whole seconds ÷ period seconds, rounded. */
function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

test('pausing gives back the unused part of what was paid, not of the list price (a coupon was paid less)', async () => {
  const created = await create('pause_coupon', 'pro-monthly');
  expect((await d.post('/subscriptions/pause_coupon/coupon', { code: 'WELCOME20' })).status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('pause_coupon', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the discounted renewal');
  expect(renewed.latestInvoice!.amountCents).toBe(2320);

  await d.advance(DAY);
  const paused = await d.post('/subscriptions/pause_coupon/pause', { when: 'now' });
  expect(paused.status).toBe(200);
  const credit = paused.body.creditBalanceCents;
  const period = renewed.currentPeriod;
  const at = new Date(new Date(period.start).getTime() + DAY).toISOString();
  expect(credit).toBeLessThanOrEqual(2320);
  expect(Math.abs(credit - prorated(2320, period, at))).toBeLessThanOrEqual(1);

  // Resuming bills a new discounted period, which the credit pays most of; pausing again at once
  // gives back at most that period's price: cycling never mints credit.
  const resumed = await d.post('/subscriptions/pause_coupon/resume', { billingAnchor: 'now' });
  expect(resumed.status).toBe(200);
  expect(resumed.body.latestInvoice).toMatchObject({ status: 'paid', amountCents: 2320 - credit });
  const again = await d.post('/subscriptions/pause_coupon/pause', { when: 'now' });
  expect(again.status).toBe(200);
  expect(again.body.creditBalanceCents).toBeLessThanOrEqual(2320);
  expect(await workflowHealth(h, 'subscription-pause_coupon')).toMatchObject({ ok: true, status: 'RUNNING' });
});

test('a prorated refund after an upgrade gives back the unused Pro time, split over the charges that paid it', async () => {
  const created = await create('refund_upgrade', 'basic-monthly');
  await d.advance(10 * DAY);
  const upgraded = await d.post('/subscriptions/refund_upgrade/plan', { plan: 'pro-monthly' });
  expect(upgraded.status).toBe(200);
  await d.advance(DAY);
  const canceled = await d.post('/subscriptions/refund_upgrade/cancel', { when: 'now', refund: 'prorated' });
  expect(canceled.status).toBe(200);

  const notes = await h.db.prisma.creditNote.findMany({ where: { invoice: { subscriptionId: 'refund_upgrade' } }, include: { invoice: true } });
  const refunded = notes.reduce((sum, note) => sum + note.amountCents, 0);
  const expected = prorated(2900, created.currentPeriod, canceled.body.endedAt);
  expect(Math.abs(refunded - expected)).toBeLessThanOrEqual(1);
  for (const note of notes) expect(note.amountCents).toBeLessThanOrEqual(note.invoice.amountCents);
  const charges = await h.db.prisma.sandboxCharge.findMany({ where: { reference: { startsWith: 'INV-refund_upgrade-' } } });
  const refunds = await h.db.prisma.sandboxRefund.findMany({ where: { chargeId: { in: charges.map((c) => c.chargeId) } } });
  expect(refunds.reduce((sum, refund) => sum + refund.amountCents, 0)).toBe(refunded);
});

test('credit used by an invoice that is then voided is given back, in the workflow and in the ledger, and refunded to the card as the subscription ends', async () => {
  const created = await create('credit_void', 'pro-monthly');
  // Near the end of the period, downgrading now credits more unused Pro time than the rest of the period on Basic costs.
  await d.advanceTo(new Date(new Date(created.currentPeriod.end).getTime() - 6 * DAY).toISOString());
  const down = await d.post('/subscriptions/credit_void/plan', { plan: 'basic-monthly', when: 'now' });
  expect(down.status).toBe(200);
  const credit = down.body.subscription.creditBalanceCents;
  expect(credit).toBeGreaterThan(0);
  expect(credit).toBeLessThan(900);

  expect((await d.post('/subscriptions/credit_void/payment-method', { paymentMethod: 'pm_card_insufficient_funds' })).status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  const dunning = await d.until('credit_void', (s) => s.status === 'past_due', 'the declined renewal');
  expect(dunning.creditBalanceCents).toBe(0);

  // Canceled with a refund: past due, there is no unused paid time to refund, but the credit given
  // back is the customer's, and goes back to the card that paid the first period.
  const canceled = await d.post('/subscriptions/credit_void/cancel', { when: 'now', refund: 'prorated' });
  expect(canceled.status).toBe(200);
  expect(canceled.body.creditBalanceCents).toBe(0);
  const ledger = await h.db.prisma.creditEntry.findMany({ where: { subscriptionId: 'credit_void' }, orderBy: { createdAt: 'asc' } });
  expect(ledger.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(0);
  expect(ledger.map((entry) => entry.cause)).toEqual(['invoice_surplus', 'applied_to_invoice', 'invoice_voided', 'refunded']);
  // Paid out, not credited: the downgrade's invoice already took its VAT back.
  const payouts = await h.db.prisma.creditPayout.findMany({ where: { subscriptionId: 'credit_void' }, include: { invoice: true } });
  expect(payouts.map((payout) => [payout.amountCents, payout.invoice.periodIndex])).toEqual([[credit, 0]]);
  expect(await h.db.prisma.creditNote.count({ where: { invoice: { subscriptionId: 'credit_void' }, kind: 'refund' } })).toBe(0);
  const charges = await h.db.prisma.sandboxCharge.findMany({ where: { reference: { startsWith: 'INV-credit_void-' } } });
  const refunds = await h.db.prisma.sandboxRefund.findMany({ where: { chargeId: { in: charges.map((c) => c.chargeId) } } });
  expect(refunds.map((refund) => refund.amountCents)).toEqual([credit]);
  const invoice = await request(d.app).get(`/invoices/${payouts[0]!.invoice.number}`);
  expect(invoice.body).toMatchObject({ refundedCents: credit, creditNotes: [] });
  // The API's timeline shows the same ledger, with the balance after each entry.
  const timeline = await request(d.app).get('/subscriptions/credit_void/timeline');
  expect(timeline.body.events.filter((e: { type: string }) => e.type === 'credit').map((e: { cause: string; amountCents: number; balanceAfterCents: number }) => [e.cause, e.amountCents, e.balanceAfterCents])).toEqual([
    ['invoice_surplus', credit, credit],
    ['applied_to_invoice', -credit, 0],
    ['invoice_voided', credit, credit],
    ['refunded', -credit, 0],
  ]);
});

test('a downgrade, then cancel now with a prorated refund: the customer gets back the unused Basic time and the credit the downgrade left', async () => {
  const created = await create('down_refund', 'pro-monthly');
  await d.advance(5 * DAY);
  const down = await d.post('/subscriptions/down_refund/plan', { plan: 'basic-monthly', when: 'now' });
  expect(down.status).toBe(200);
  const credit = down.body.subscription.creditBalanceCents;
  expect(credit).toBeGreaterThan(0);
  await d.advance(7 * DAY);
  const canceled = await d.post('/subscriptions/down_refund/cancel', { when: 'now', refund: 'prorated' });
  expect(canceled.status).toBe(200);
  expect(canceled.body.creditBalanceCents).toBe(0);

  // The unused Basic time with a credit note (it corrects the Pro invoice); the credit the
  // downgrade left as a payout (the downgrade's own invoice corrected its VAT).
  const notes = await h.db.prisma.creditNote.findMany({ where: { invoice: { subscriptionId: 'down_refund' }, kind: 'refund' } });
  const payouts = await h.db.prisma.creditPayout.findMany({ where: { subscriptionId: 'down_refund' } });
  const unusedBasic = prorated(900, created.currentPeriod, canceled.body.endedAt);
  expect(notes).toHaveLength(1);
  expect(Math.abs(notes[0]!.amountCents - unusedBasic)).toBeLessThanOrEqual(1);
  expect(payouts.map((payout) => payout.amountCents)).toEqual([credit]);
  // The API's timeline shows both as refunds of the charge.
  const timeline = await request(d.app).get('/subscriptions/down_refund/timeline');
  const refundEvents = timeline.body.events.filter((e: { type: string }) => e.type === 'refund_issued').map((e: { amountCents: number }) => e.amountCents);
  expect(refundEvents.sort()).toEqual([notes[0]!.amountCents, credit].sort());
  // The bookkeeping export has it as money paid out, a refund row (and no credit note).
  const day = canceled.body.endedAt.slice(0, 10);
  const exported = await request(d.app).get('/exports/ledger').query({ from: day, to: day });
  expect(exported.status).toBe(200);
  const refundRows = exported.text.split('\n').filter((row) => row.startsWith(`${day},refund,`));
  expect(refundRows).toHaveLength(2);
  expect(refundRows).toEqual(expect.arrayContaining([expect.stringContaining(`,${notes[0]!.gatewayRefundId},`), expect.stringContaining(`,${payouts[0]!.gatewayRefundId},`)]));
  // Pro was paid in full; the customer used 12 days of service and got the rest back, to a cent of rounding.
  const usedPro = 2900 - prorated(2900, created.currentPeriod, down.body.effectiveAt);
  const usedBasic = prorated(900, created.currentPeriod, down.body.effectiveAt) - unusedBasic;
  expect(Math.abs(2900 - notes[0]!.amountCents - credit - usedPro - usedBasic)).toBeLessThanOrEqual(2);
  // The customer is told what came back besides the unused time.
  const told = await eventually(
    () => Promise.resolve(h.smtp.for('down_refund').find((mail) => mail.template === 'credit_refunded')),
    Boolean,
    'the email about the refunded credit',
  );
  expect(told!.text).toContain(`We refunded €${(credit / 100).toFixed(2)} to your card`);
});

/** The Temporal client of the API, losing the answer of the first update it sends (as a timeout after the server applied it). */
function losingFirstUpdateAnswer(client: Client): Client {
  let lost = false;
  const wrapHandle = (handle: WorkflowHandle): WorkflowHandle =>
    new Proxy(handle, {
      get(target, property, receiver) {
        if (property !== 'executeUpdate') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<WorkflowHandle['executeUpdate']>) => {
          const result = await target.executeUpdate(...args);
          if (lost) return result;
          lost = true;
          throw new WorkflowUpdateRPCTimeoutOrCancelledError('the answer was lost');
        };
      },
    });
  const workflow = new Proxy(client.workflow, {
    get(target, property, receiver) {
      if (property !== 'getHandle') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Client['workflow']['getHandle']>) => wrapHandle(target.getHandle(...args));
    },
  });
  return new Proxy(client, { get: (target, property, receiver) => (property === 'workflow' ? workflow : Reflect.get(target, property, receiver)) });
}

test('a command retried with its Idempotency-Key after its answer was lost applies once (a one-time product is billed once)', async () => {
  await create('lost_answer', 'pro-monthly');
  const app = rawTestApp(h, { temporal: losingFirstUpdateAnswer(h.env.client) });
  const buy = () =>
    request(app)
      .post('/subscriptions/lost_answer/add-ons')
      .set('Authorization', `Bearer ${h.adminKey}`)
      .set('Idempotency-Key', 'buy-welcome-kit-1')
      .send({ code: 'welcome-kit', quantity: 1 });
  expect((await buy()).status).toBe(503);
  const retried = await buy();
  expect(retried.status).toBe(200);
  expect(retried.body.pendingItems).toEqual([expect.objectContaining({ description: 'Welcome kit (shipped)', amountCents: 2500 })]);
  expect((await d.get('lost_answer')).pendingItems).toHaveLength(1);
});

test('an offer made on a usage report expires on time, without waiting for the next renewal', async () => {
  const rule = {
    description: 'NOK Basic yearly at half the seats: the next tier',
    enabled: true,
    priority: 100,
    when: [{ fact: 'planCode', equals: 'basic-yearly-nok' }, { usage: 'seats', atLeastRatio: 0.5, forPeriods: 1 }],
    offer: { target: { kind: 'next_tier' }, percentOff: 10, discountPeriods: 1, expiresInDays: 3 },
    cooldownDays: 30,
  };
  expect((await request(d.app).put('/offer-rules/test-usage-yearly').send(rule)).status).toBe(200);
  await create('usage_offer', 'basic-yearly-nok');
  expect((await d.post('/subscriptions/usage_offer/usage', { metric: 'seats', quantity: 2 })).status).toBe(202);
  const offered = await d.until('usage_offer', (s) => s.offer !== null, 'the offer');

  await d.advanceTo(new Date(new Date(offered.offer!.expiresAt).getTime() + DAY).toISOString());
  const expired = await d.until('usage_offer', (s) => s.offer === null, 'the offer to expire');
  expect(expired.periodIndex).toBe(0);
  expect(await h.db.prisma.offer.findUniqueOrThrow({ where: { id: offered.offer!.id } })).toMatchObject({ status: 'expired' });
  expect((await request(d.app).put('/offer-rules/test-usage-yearly').send({ ...rule, enabled: false })).status).toBe(200);
});
