// Facts a payment gateway reports after the fact, as the paymentEvent signal brings them: a refund
// made in its dashboard, a chargeback, a card about to expire or removed.
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import type { PaymentEvent } from '../../domain/payment-events';
import { paymentEvent, paymentRecordWorkflowId } from '../../workflows/contract';
import { deliverPaymentEvent } from '../../api/services/payment-events';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

async function paidSubscription(id: string) {
  const created = await d.create({ id, customer: newCustomer(id), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const attempt = await h.db.prisma.paymentAttempt.findFirstOrThrow({ where: { invoice: { subscriptionId: id }, outcome: 'succeeded' }, include: { invoice: true } });
  return { created, chargeId: attempt.gatewayChargeId!, invoice: attempt.invoice };
}

const signal = (id: string, event: PaymentEvent) => h.env.client.workflow.getHandle(`subscription-${id}`).signal(paymentEvent, event);

test('a refund made in the gateway gets one numbered credit note, however often and in whatever order it is reported', async () => {
  const { chargeId, invoice } = await paidSubscription('ev_refund');
  const refund: PaymentEvent = { kind: 'refunded', eventId: 'evt_r1', chargeId, refundId: 're_dashboard_1', refundedCents: 1000, currency: invoice.currency, at: new Date().toISOString() };
  await signal('ev_refund', refund);
  await signal('ev_refund', { ...refund, eventId: 'evt_r1_again' });
  // An older total arriving late (a smaller running total) changes nothing.
  await signal('ev_refund', { ...refund, eventId: 'evt_r0', refundId: null, refundedCents: 400 });
  const notes = await eventually(
    () => h.db.prisma.creditNote.findMany({ where: { invoiceId: invoice.id } }),
    (found) => found.length > 0,
    'credit note',
  );
  await d.get('ev_refund');
  const all = await h.db.prisma.creditNote.findMany({ where: { invoiceId: invoice.id } });
  expect(all).toHaveLength(1);
  expect(notes[0]).toMatchObject({ kind: 'refund', amountCents: 1000, gatewayRefundId: 're_dashboard_1', number: expect.stringMatching(/^CN-\d+$/) });
  expect(notes[0]!.taxCents).toBeGreaterThan(0);

  // A second dashboard refund: the new total books only the difference.
  await signal('ev_refund', { ...refund, eventId: 'evt_r2', refundId: 're_dashboard_2', refundedCents: 1500 });
  const both = await eventually(() => h.db.prisma.creditNote.findMany({ where: { invoiceId: invoice.id }, orderBy: { sequence: 'asc' } }), (found) => found.length > 1, 'second credit note');
  expect(both.map((note) => [note.amountCents, note.gatewayRefundId])).toEqual([
    [1000, 're_dashboard_1'],
    [500, 're_dashboard_2'],
  ]);
});

test("after the subscription ended: the echo of the engine's own refund books nothing, a later chargeback is still booked", async () => {
  const { chargeId, invoice } = await paidSubscription('ev_ended');
  expect((await d.post('/subscriptions/ev_ended/cancel', { when: 'now', refund: 'prorated' })).status).toBe(200);
  expect(await d.closed('ev_ended')).toBe('COMPLETED');
  const own = await h.db.prisma.creditNote.findMany({ where: { invoiceId: invoice.id, kind: 'refund' } });
  expect(own).toHaveLength(1);
  const deps = { temporal: h.env.client, taskQueue: h.taskQueue };
  const at = new Date().toISOString();
  const echo: PaymentEvent = { kind: 'refunded', eventId: 'evt_echo', chargeId, refundId: own[0]!.gatewayRefundId, refundedCents: own[0]!.amountCents, currency: invoice.currency, at };
  expect(await deliverPaymentEvent(deps, ['ev_ended'], echo)).toEqual(['ev_ended']);
  await h.env.client.workflow.getHandle(paymentRecordWorkflowId('evt_echo')).result();
  expect(await h.db.prisma.creditNote.count({ where: { invoiceId: invoice.id } })).toBe(1);

  const dispute: PaymentEvent = { kind: 'disputed', eventId: 'evt_late_dispute', chargeId, disputeId: 'dp_late', amountCents: invoice.amountCents, currency: invoice.currency, reason: 'product_not_received', status: 'needs_response', at };
  await deliverPaymentEvent(deps, ['ev_ended'], dispute);
  await deliverPaymentEvent(deps, ['ev_ended'], dispute);
  await h.env.client.workflow.getHandle(paymentRecordWorkflowId('evt_late_dispute')).result();
  expect(await h.db.prisma.dispute.findMany({ where: { invoiceId: invoice.id } })).toEqual([expect.objectContaining({ id: 'dp_late', reason: 'product_not_received' })]);
  // A usage-like fact for an ended subscription reaches nobody.
  expect(await deliverPaymentEvent(deps, ['ev_ended'], { kind: 'charge_updated', eventId: 'evt_x', chargeId })).toEqual([]);
});

test('a chargeback is recorded against the invoice and ops get one email', async () => {
  const { chargeId, invoice } = await paidSubscription('ev_dispute');
  const dispute: PaymentEvent = {
    kind: 'disputed',
    eventId: 'evt_d1',
    chargeId,
    disputeId: 'dp_1',
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    reason: 'fraudulent',
    status: 'needs_response',
    at: new Date().toISOString(),
  };
  await signal('ev_dispute', dispute);
  await signal('ev_dispute', { ...dispute, eventId: 'evt_d1_again' });
  const recorded = await eventually(() => h.db.prisma.dispute.findMany({ where: { invoiceId: invoice.id } }), (rows) => rows.length > 0, 'dispute');
  expect(recorded).toEqual([expect.objectContaining({ id: 'dp_1', reason: 'fraudulent', status: 'needs_response', amountCents: invoice.amountCents })]);
  const mails = await eventually(async () => h.smtp.for('ev_dispute').filter((m) => m.subject.startsWith('Chargeback')), (found) => found.length > 0, 'ops email');
  await d.get('ev_dispute');
  expect(h.smtp.for('ev_dispute').filter((m) => m.subject.startsWith('Chargeback'))).toHaveLength(1);
  expect(mails[0]!.to).toContain('billing@example.test');
  expect(mails[0]!.text).toContain(invoice.number);
  expect(mails[0]!.text).toContain('fraudulent');
});

test('a card expiring before the renewal gets a "please update your card" email before it, once', async () => {
  const { created } = await paidSubscription('ev_expiring');
  const renewal = new Date(created.currentPeriod.end);
  const monthBefore = new Date(Date.UTC(renewal.getUTCFullYear(), renewal.getUTCMonth() - 1, 1));
  const expiring: PaymentEvent = { kind: 'card_expiring', eventId: 'evt_e1', paymentMethod: 'pm_card_visa', brand: 'visa', last4: '4242', expMonth: monthBefore.getUTCMonth() + 1, expYear: monthBefore.getUTCFullYear() };
  await signal('ev_expiring', expiring);
  await signal('ev_expiring', { ...expiring, eventId: 'evt_e1_again' });
  expect(await d.emails('ev_expiring', 3)).toEqual(['receipt', 'welcome', 'payment_method_update']);
  const mail = h.smtp.for('ev_expiring').find((m) => m.template === 'payment_method_update')!;
  expect(mail.subject).toBe('Your card is about to expire');
  expect(mail.text).toContain('Visa ending in 4242');
  expect(mail.text).toContain(`before ${renewal.toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' })}, when €29.00`);
  await d.get('ev_expiring');
  expect(h.smtp.for('ev_expiring')).toHaveLength(3);
});
