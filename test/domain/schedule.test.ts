import { paymentFailed } from '../../domain/collection';
import { cancelNow } from '../../domain/cancellation';
import { pauseNow } from '../../domain/pause';
import { periodEnded, trialReminder } from '../../domain/renewal';
import { describeDue, nextDue } from '../../domain/schedule';
import { update } from '../../domain/subscription';
import { FEB_29, T0, active, bill, decline, opened, pastDue, policyWith } from './fixtures';

const TRIAL_END = '2028-02-14T10:00:00.000Z'; // business plans have a 14-day trial

describe('nextDue', () => {
  describe('incomplete', () => {
    test('a new subscription bills its first period at once', () => {
      expect(nextDue(opened('basic-monthly'))).toEqual({ kind: 'bill', at: T0 });
    });

    test('while the first invoice is being charged, nothing is due', () => {
      expect(nextDue(bill(opened('basic-monthly'), T0).state)).toBeNull();
    });

    test('after a failed first payment, the first-payment deadline is due', () => {
      const billed = bill(opened('basic-monthly'), T0);
      const failed = paymentFailed(billed.state, billed.invoice, decline('soft'), T0).state;
      expect(nextDue(failed)).toEqual({ kind: 'first_payment_deadline', at: '2028-02-01T09:00:00.000Z' });
    });
  });

  describe('trialing', () => {
    test('the trial reminder comes first (3 days before the trial ends)', () => {
      expect(nextDue(opened('business-monthly'))).toEqual({ kind: 'trial_reminder', at: '2028-02-11T10:00:00.000Z' });
    });

    test('once the reminder is sent, the end of the trial period is next', () => {
      const reminded = trialReminder(opened('business-monthly')).state;
      expect(nextDue(reminded)).toEqual({ kind: 'period_end', at: TRIAL_END });
    });

    test('a trial too short for a reminder waits for its end', () => {
      expect(nextDue(opened('basic-monthly', { trialDays: 2 }))).toEqual({ kind: 'period_end', at: '2028-02-02T10:00:00.000Z' });
    });

    test('when the trial is over, the first paid period is billed at the trial end', () => {
      const converted = periodEnded(trialReminder(opened('business-monthly')).state).state;
      expect(converted.status).toBe('trialing');
      expect(nextDue(converted)).toEqual({ kind: 'bill', at: TRIAL_END });
    });
  });

  describe('active', () => {
    test('a paid period waits for its end', () => {
      expect(nextDue(active('basic-monthly'))).toEqual({ kind: 'period_end', at: FEB_29 });
    });

    test('a new period not yet invoiced is billed at its start', () => {
      expect(nextDue(periodEnded(active('basic-monthly')).state)).toEqual({ kind: 'bill', at: FEB_29 });
    });
  });

  describe('past_due', () => {
    test('the next retry is due while one is scheduled', () => {
      expect(nextDue(pastDue('soft').state)).toEqual({ kind: 'dunning_retry', at: '2028-03-03T10:00:00.000Z' });
    });

    test('after a hard decline, the dunning deadline is due', () => {
      expect(nextDue(pastDue('hard').state)).toEqual({ kind: 'dunning_deadline', at: '2028-03-21T10:00:00.000Z' });
    });

    test('renewals wait while a payment is being recovered, even past the period end', () => {
      const { state } = pastDue('soft', { policy: policyWith({ retryDelaysDays: [40] }) });
      expect(state.currentPeriod.end).toBe('2028-03-31T10:00:00.000Z');
      expect(nextDue(state)).toEqual({ kind: 'dunning_retry', at: '2028-04-09T10:00:00.000Z' });
    });

    test('past_due without dunning falls back to the calendar', () => {
      expect(nextDue(update(active('basic-monthly'), { status: 'past_due' }))).toEqual({ kind: 'period_end', at: FEB_29 });
    });
  });

  describe('paused', () => {
    test('a pause with an end resumes on its own then', () => {
      expect(nextDue(pauseNow(active('basic-monthly'), 1, '2028-02-10T10:00:00.000Z').state)).toEqual({
        kind: 'auto_resume',
        at: '2028-03-10T10:00:00.000Z',
      });
    });

    test('an open-ended pause has nothing due', () => {
      expect(nextDue(pauseNow(active('basic-monthly'), null, '2028-02-10T10:00:00.000Z').state)).toBeNull();
    });
  });

  test('unpaid: nothing happens until a new payment method arrives', () => {
    expect(nextDue(update(active('basic-monthly'), { status: 'unpaid' }))).toBeNull();
  });

  test('canceled: nothing is due', () => {
    expect(nextDue(cancelNow(active('basic-monthly'), { when: 'now' }, '2028-02-10T10:00:00.000Z').state)).toBeNull();
  });

  test('incomplete_expired: nothing is due, even with a period left unbilled', () => {
    expect(nextDue(update(opened('basic-monthly'), { status: 'incomplete_expired' }))).toBeNull();
  });
});

describe('describeDue', () => {
  test('names what the workflow waits for', () => {
    expect(describeDue({ kind: 'bill', at: FEB_29 })).toBe('bill period starting 2028-02-29');
    expect(describeDue({ kind: 'period_end', at: FEB_29 })).toBe('wait for renewal 2028-02-29');
    expect(describeDue({ kind: 'trial_reminder', at: FEB_29 })).toBe('trial reminder 2028-02-29');
    expect(describeDue({ kind: 'dunning_retry', at: FEB_29 })).toBe('wait for payment retry 2028-02-29');
    expect(describeDue({ kind: 'dunning_deadline', at: FEB_29 })).toBe('wait for a new payment method until 2028-02-29');
    expect(describeDue({ kind: 'first_payment_deadline', at: FEB_29 })).toBe('wait for the first payment until 2028-02-29T10:00');
    expect(describeDue({ kind: 'auto_resume', at: FEB_29 })).toBe('paused until 2028-02-29');
  });
});
