import { cancelAtPeriodEnd } from '../../domain/cancellation';
import { renewalInvoice } from '../../domain/collection';
import { schedulePause } from '../../domain/pause';
import { schedulePlanChange } from '../../domain/plan-change';
import { periodEnded, trialReminder, trialReminderAt } from '../../domain/renewal';
import { calendarPeriod, update } from '../../domain/subscription';
import { FEB_29, MAR_31, T0, active, emailOf, opened, plan, policyWith } from './fixtures';

const TRIAL_END = '2028-02-14T10:00:00.000Z';

describe('trialReminderAt', () => {
  test('is trialReminderDays (3) before the trial ends', () => {
    const trialing = opened('business-monthly');
    expect(trialing.trialEnd).toBe(TRIAL_END);
    expect(trialReminderAt(trialing)).toBe('2028-02-11T10:00:00.000Z');
  });

  test('follows the policy’s reminder days', () => {
    expect(trialReminderAt(opened('business-monthly', { policy: policyWith({}, { trialReminderDays: 7 }) }))).toBe('2028-02-07T10:00:00.000Z');
  });

  test('a trial no longer than the reminder lead time gets no reminder; one day longer does', () => {
    expect(trialReminderAt(opened('basic-monthly', { trialDays: 3 }))).toBeNull();
    expect(trialReminderAt(opened('basic-monthly', { trialDays: 4 }))).toBe('2028-02-01T10:00:00.000Z');
  });

  test('is null once sent, without a trial, or when the subscription is no longer trialing', () => {
    const trialing = opened('business-monthly');
    expect(trialReminderAt(trialReminder(trialing).state)).toBeNull();
    expect(trialReminderAt(opened('basic-monthly'))).toBeNull();
    expect(trialReminderAt(update(trialing, { status: 'canceled' }))).toBeNull();
  });
});

describe('trialReminder', () => {
  test('marks the reminder sent and emails the trial end and the price to come', () => {
    const { state, effects } = trialReminder(opened('business-monthly'));
    expect(state.trialReminderSent).toBe(true);
    expect(emailOf(effects, 'trial_ending')).toEqual({ template: 'trial_ending', trialEnd: TRIAL_END, planName: 'Business monthly', amountCents: 9_900, currency: 'EUR' });
    expect(effects[0]).toMatchObject({ email: { key: 'sub_1/trial_ending/reminder' } });
  });
});

describe('periodEnded', () => {
  test('moves to the next calendar period, whose invoice is then due', () => {
    const paid = active('basic-monthly');
    const { state, effects } = periodEnded(paid);
    expect(state).toMatchObject({ status: 'active', periodIndex: 1, currentPeriod: { start: FEB_29, end: MAR_31 }, currentPeriodInvoiced: false });
    expect(effects).toEqual([]);
  });

  test('the end of a trial starts the first paid period at the trial end, still trialing until paid', () => {
    const { state } = periodEnded(opened('business-monthly'));
    expect(state).toMatchObject({ status: 'trialing', periodIndex: 1, currentPeriod: { start: TRIAL_END, end: '2028-03-14T10:00:00.000Z' }, currentPeriodInvoiced: false });
  });

  test('with cancelAtPeriodEnd the subscription ends at the period end', () => {
    const canceling = cancelAtPeriodEnd(active('basic-monthly'), '2028-02-10T10:00:00.000Z');
    const { state, effects } = periodEnded(canceling);
    expect(state).toMatchObject({
      status: 'canceled',
      endedAt: FEB_29,
      canceledAt: '2028-02-10T10:00:00.000Z',
      cancelReason: 'requested',
      cancelAtPeriodEnd: false,
      periodIndex: 0,
    });
    expect(emailOf(effects, 'canceled')).toEqual({ template: 'canceled', reason: 'requested', endedAt: FEB_29, refundCents: 0, currency: 'EUR' });
  });

  test('a trial canceled at period end ends when the trial ends', () => {
    const { state } = periodEnded(cancelAtPeriodEnd(opened('business-monthly'), '2028-02-01T10:00:00.000Z'));
    expect(state).toMatchObject({ status: 'canceled', endedAt: TRIAL_END });
  });

  test('with pauseAtPeriodEnd the subscription pauses at the period end, without a credit', () => {
    const { state, effects } = periodEnded(schedulePause(active('basic-monthly'), 2));
    expect(state).toMatchObject({
      status: 'paused',
      pause: { startedAt: FEB_29, resumesAt: '2028-04-29T10:00:00.000Z' },
      pauseAtPeriodEnd: null,
      creditBalanceCents: 0,
      periodIndex: 0,
    });
    expect(emailOf(effects, 'paused')).toEqual({ template: 'paused', resumesAt: '2028-04-29T10:00:00.000Z', creditCents: 0, currency: 'EUR' });
  });

  test('a cancel at period end wins over a pause scheduled earlier', () => {
    const both = cancelAtPeriodEnd(schedulePause(active('basic-monthly'), null), '2028-02-10T10:00:00.000Z');
    expect(periodEnded(both).state.status).toBe('canceled');
  });

  test('a scheduled downgrade takes over at the period end and the next invoice bills the new plan', () => {
    const scheduled = schedulePlanChange(active('pro-monthly'), plan('basic-monthly'), '2028-02-10T10:00:00.000Z');
    const { state, effects } = periodEnded(scheduled);
    expect(state).toMatchObject({ plan: plan('basic-monthly'), scheduledChange: null, periodIndex: 1, anchor: T0, currentPeriod: { start: FEB_29, end: MAR_31 } });
    expect(emailOf(effects, 'plan_changed')).toEqual({
      template: 'plan_changed',
      fromPlan: 'Pro monthly',
      toPlan: 'Basic monthly',
      amountCents: 900,
      currency: 'EUR',
      interval: 'month',
      effectiveAt: FEB_29,
      invoiceNumber: null,
    });
    expect(renewalInvoice(state, FEB_29).draft.lines.map((line) => [line.description, line.amountCents])).toEqual([
      ['Basic monthly (month), 2028-02-29 – 2028-03-31', 900],
    ]);
  });

  test('a scheduled change to a yearly plan anchors the calendar at the period end: the next period lasts a year', () => {
    const scheduled = schedulePlanChange(active('basic-monthly'), plan('basic-yearly'), '2028-02-10T10:00:00.000Z');
    const { state } = periodEnded(scheduled);
    expect(state).toMatchObject({ plan: plan('basic-yearly'), anchor: FEB_29, anchorPeriodIndex: 1, periodIndex: 1 });
    expect(state.currentPeriod).toEqual({ start: FEB_29, end: '2029-02-28T10:00:00.000Z' });
    expect(calendarPeriod(state, 2)).toEqual({ start: '2029-02-28T10:00:00.000Z', end: '2030-02-28T10:00:00.000Z' });
    expect(renewalInvoice(state, FEB_29).draft.amountCents).toBe(9_000);
  });
});
