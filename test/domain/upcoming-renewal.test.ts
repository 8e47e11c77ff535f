import { upcomingRenewal } from '../../domain/upcoming-renewal';
import { update } from '../../domain/subscription';
import { active, changePlanPaid, FEB_29, opened, pastDue, plusDays, T0 } from './fixtures';

describe('upcomingRenewal', () => {
  test('an active subscription renews at the end of its period for the plan price', () => {
    expect(upcomingRenewal(active('pro-monthly-nok'))).toEqual({ at: FEB_29, amountCents: 29_900, currency: 'NOK', planName: 'Pro monthly' });
  });

  test('a scheduled downgrade renews on the new plan, at its price', () => {
    const downgraded = changePlanPaid(active('pro-monthly'), 'basic-monthly', plusDays(T0, 3), 'period_end');
    expect(upcomingRenewal(downgraded)).toMatchObject({ at: FEB_29, amountCents: 900, planName: 'Basic monthly' });
  });

  test('account credit lowers what the renewal charges', () => {
    expect(upcomingRenewal(update(active('pro-monthly'), { creditBalanceCents: 1_000 }))?.amountCents).toBe(1_900);
  });

  test('a trial converts at its end for the first period', () => {
    expect(upcomingRenewal(opened('pro-monthly', { trialDays: 14 }))).toMatchObject({ at: plusDays(T0, 14), amountCents: 2_900 });
  });

  test('nothing renews when the subscription ends or pauses at period end, or while a payment is overdue', () => {
    expect(upcomingRenewal(update(active(), { cancelAtPeriodEnd: true }))).toBeNull();
    expect(upcomingRenewal(update(active(), { pauseAtPeriodEnd: { periods: 1 } }))).toBeNull();
    expect(upcomingRenewal(pastDue().state)).toBeNull();
  });
});
