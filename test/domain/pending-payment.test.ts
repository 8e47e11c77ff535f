import { chargeOf } from '../../domain/charges';
import type { Effect } from '../../domain/effects';
import type { ChargeIntent } from '../../domain/payments';
import { chargePending, endsPendingPayment, paymentEventReceived, pendingAnswered } from '../../domain/pending-payment';
import { dueStep, nextDue } from '../../domain/schedule';
import type { SubscriptionState } from '../../domain/subscription';
import { nextBillingAt } from '../../domain/subscription';
import { FEB_29, HOUR_MS, T0, active, bill, decline, opened, pastDue, plusMs, policyWith, templates } from './fixtures';

function chargeIn(effects: readonly Effect[]): ChargeIntent {
  const effect = effects.find((e) => e.kind === 'charge');
  if (!effect || effect.kind !== 'charge') throw new Error('no charge');
  return effect.charge;
}

/** A renewal whose charge answered pending. */
function renewalPending(reason: 'action_required' | 'processing', state: SubscriptionState = active('basic-monthly')) {
  const { state: billed } = bill(state, FEB_29);
  const charge = chargeIn([chargeOf(billed, billed.latestInvoice!, FEB_29)]);
  return { charge, ...chargePending(billed, charge, { outcome: 'pending', chargeId: 'ch_1', reason, actionUrl: reason === 'action_required' ? 'https://bank.example/3ds' : null }) };
}

describe('a charge answered pending', () => {
  test('needing the customer: past due, the link emailed, and 72 hours to act', () => {
    const { state, effects } = renewalPending('action_required');
    expect(state).toMatchObject({ status: 'past_due', dunning: null, pendingPayment: { chargeId: 'ch_1', reason: 'action_required', since: FEB_29 } });
    expect(state.pendingPayment!.expiresAt).toBe(plusMs(FEB_29, 72 * HOUR_MS));
    expect(templates(effects)).toEqual(['payment_action_required']);
  });

  test('settling later: the subscription stays active and nobody is emailed', () => {
    const { state, effects } = renewalPending('processing');
    expect(state).toMatchObject({ status: 'active', pendingPayment: { reason: 'processing' } });
    expect(effects).toEqual([]);
  });

  test('holds every other step until its deadline, which ends it at the gateway', () => {
    const { state } = renewalPending('action_required');
    const due = nextDue(state)!;
    expect(due).toEqual({ kind: 'pending_payment_deadline', at: state.pendingPayment!.expiresAt });
    expect(dueStep(state, due).effects).toEqual([{ kind: 'resolve_charge', pending: state.pendingPayment, cancel: true, at: due.at }]);
  });

  test('in dunning, never waits past the dunning deadline', () => {
    const { state: inDunning } = pastDue('soft', { policy: policyWith({ retryDelaysDays: [1] }) });
    const at = plusMs(inDunning.dunning!.startedAt, 23 * HOUR_MS);
    const charge = chargeIn([chargeOf(inDunning, inDunning.latestInvoice!, at)]);
    const { state } = chargePending(inDunning, charge, { outcome: 'pending', chargeId: 'ch_2', reason: 'action_required', actionUrl: null });
    expect(Date.parse(state.pendingPayment!.expiresAt)).toBeLessThan(Date.parse(inDunning.dunning!.deadline));
  });

  test('for a first payment, never waits past the first-payment window', () => {
    const { state: billed } = bill(opened('basic-monthly'), T0);
    const charge = chargeIn([chargeOf(billed, billed.latestInvoice!, T0)]);
    const { state } = chargePending(billed, charge, { outcome: 'pending', chargeId: 'ch_3', reason: 'action_required', actionUrl: null });
    expect(state.status).toBe('incomplete');
    expect(Date.parse(state.pendingPayment!.expiresAt)).toBeLessThan(Date.parse(T0) + 23 * HOUR_MS);
    expect(state.latestInvoice!.attempts).toBe(1);
  });
});

describe('the gateway answers about a pending charge', () => {
  test('succeeded: paid as of the answer, and the lifecycle goes on', () => {
    const { state } = renewalPending('action_required');
    const at = plusMs(FEB_29, 5 * HOUR_MS);
    const { state: paid, effects } = pendingAnswered(state, { outcome: 'succeeded', chargeId: 'ch_1' }, at);
    expect(paid).toMatchObject({ status: 'active', pendingPayment: null, latestInvoice: { status: 'paid', paidAt: at, attempts: 1 } });
    expect(templates(effects)).toContain('receipt');
  });

  test('declined: dunning starts from the answer', () => {
    const { state } = renewalPending('processing');
    const at = plusMs(FEB_29, 30 * HOUR_MS);
    const { state: failed } = pendingAnswered(state, decline('soft'), at);
    expect(failed).toMatchObject({ status: 'past_due', pendingPayment: null, dunning: { startedAt: at, attempts: 1 } });
  });

  test('still pending with a new link: the link is kept, nothing else moves', () => {
    const { state } = renewalPending('action_required');
    const { state: next, effects } = pendingAnswered(state, { outcome: 'pending', chargeId: 'ch_1', reason: 'action_required', actionUrl: 'https://bank.example/again' }, FEB_29);
    expect(next.pendingPayment!.actionUrl).toBe('https://bank.example/again');
    expect(effects).toEqual([]);
  });

  test('about another charge: ignored', () => {
    const { state } = renewalPending('action_required');
    expect(pendingAnswered(state, { outcome: 'succeeded', chargeId: 'ch_other' }, FEB_29).state).toBe(state);
  });
});

describe('payment events', () => {
  test('a charge update for the pending charge asks the gateway; for any other charge, nothing', () => {
    const { state } = renewalPending('processing');
    expect(paymentEventReceived(state, { kind: 'charge_updated', eventId: 'evt_1', chargeId: 'ch_1' }, FEB_29).effects).toEqual([
      { kind: 'resolve_charge', pending: state.pendingPayment, cancel: false, at: FEB_29 },
    ]);
    expect(paymentEventReceived(state, { kind: 'charge_updated', eventId: 'evt_2', chargeId: 'ch_9' }, FEB_29).effects).toEqual([]);
  });

  test('a card expiring before the next charge is warned about; one that outlives it is not', () => {
    const state = active('basic-monthly');
    const next = new Date(nextBillingAt(state)!);
    const card = { kind: 'card_expiring' as const, eventId: 'evt_3', paymentMethod: state.paymentMethod, brand: 'visa', last4: '4242' };
    const monthBefore = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() - 1, 1));
    const expiresBefore = paymentEventReceived(state, { ...card, expMonth: monthBefore.getUTCMonth() + 1, expYear: monthBefore.getUTCFullYear() }, T0);
    expect(templates(expiresBefore.effects)).toEqual(['payment_method_update']);
    // A card still valid through the month of the charge takes it.
    const sameMonth = paymentEventReceived(state, { ...card, expMonth: next.getUTCMonth() + 1, expYear: next.getUTCFullYear() }, T0);
    expect(sameMonth.effects).toEqual([]);
  });

  test('a detached payment method is warned about only if it is the one the subscription charges', () => {
    const state = active('basic-monthly');
    expect(templates(paymentEventReceived(state, { kind: 'payment_method_detached', eventId: 'e', paymentMethod: state.paymentMethod }, T0).effects)).toEqual(['payment_method_update']);
    expect(paymentEventReceived(state, { kind: 'payment_method_detached', eventId: 'e', paymentMethod: 'pm_other' }, T0).effects).toEqual([]);
  });
});

test('commands that change what is owed or charge end a pending payment first; the others leave it', () => {
  expect(endsPendingPayment({ name: 'cancel', input: { when: 'now' } })).toBe(true);
  expect(endsPendingPayment({ name: 'cancel', input: { when: 'period_end' } })).toBe(false);
  expect(endsPendingPayment({ name: 'updatePaymentMethod', input: { paymentMethod: 'pm_card_visa' } })).toBe(true);
  expect(endsPendingPayment({ name: 'applyCoupon', input: { coupon: { code: 'X', name: 'X', percentOff: 10, durationPeriods: 1 } as never } })).toBe(false);
  expect(endsPendingPayment({ name: 'uncancel' })).toBe(false);
});
