// Facts a payment gateway reports after the fact, as the paymentEvent signal brings them: a refund
// made in its dashboard, a chargeback, a card about to expire or removed.
import type { Harness } from '../support/harness';
import { eventually, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';
import type { PaymentEvent } from '../../domain/payment-events';
import { paymentEvent } from '../../workflows/contract';

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

test('a refund made in the gateway gets one numbered credit note, however often it is reported', async () => {
  const { chargeId, invoice } = await paidSubscription('ev_refund');
  const refund: PaymentEvent = { kind: 'refunded', eventId: 'evt_r1', chargeId, refundId: 're_dashboard_1', amountCents: 1000, currency: invoice.currency, at: new Date().toISOString() };
  await signal('ev_refund', refund);
  await signal('ev_refund', { ...refund, eventId: 'evt_r1_again' });
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
  const mails = await eventually(async () => h.smtp.received.filter((m) => m.subject.startsWith('Chargeback')), (found) => found.length > 0, 'ops email');
  await d.get('ev_dispute');
  expect(h.smtp.received.filter((m) => m.subject.startsWith('Chargeback'))).toHaveLength(1);
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
  expect(mail.text).toContain(`before ${renewal.toUTCString().slice(0, 16)}`);
  await d.get('ev_expiring');
  expect(h.smtp.for('ev_expiring')).toHaveLength(3);
});
