import type { OpenOffer } from '../../domain/offers';
import { describeDue, nextDue } from '../../domain/schedule';
import { update, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, active, opened, plan } from './fixtures';

function offerUntil(expiresAt: string): OpenOffer {
  return {
    id: 'OFR-sub_1-0001',
    ruleId: 'seats-next-tier',
    fromPlan: 'basic-monthly',
    plan: plan('pro-monthly'),
    percentOff: 20,
    discountPeriods: 3,
    createdAt: '2028-02-10T10:00:00.000Z',
    expiresAt,
    cooldownDays: 30,
    mrrDeltaCents: 2_000,
  };
}

const withOffer = (state: SubscriptionState, expiresAt: string) => update(state, { offer: offerUntil(expiresAt) });

describe('nextDue with an open offer', () => {
  const paid = active('basic-monthly'); // period_end due on Feb 29 10:00

  test('the offer expiry is due when it comes before anything else', () => {
    expect(nextDue(withOffer(paid, '2028-02-24T10:00:00.000Z'))).toEqual({ kind: 'offer_expiry', at: '2028-02-24T10:00:00.000Z' });
  });

  test('the lifecycle step is due when it comes first', () => {
    expect(nextDue(withOffer(paid, '2028-03-05T10:00:00.000Z'))).toEqual({ kind: 'period_end', at: FEB_29 });
  });

  test('an offer that expires a millisecond before the period ends comes first', () => {
    expect(nextDue(withOffer(paid, '2028-02-29T09:59:59.999Z'))?.kind).toBe('offer_expiry');
  });

  test('a trial reminder before the expiry still comes first', () => {
    const trialing = opened('business-monthly'); // reminder on Feb 11 10:00
    expect(nextDue(withOffer(trialing, '2028-02-12T10:00:00.000Z'))).toEqual({ kind: 'trial_reminder', at: '2028-02-11T10:00:00.000Z' });
    expect(nextDue(withOffer(trialing, '2028-02-05T10:00:00.000Z'))).toEqual({ kind: 'offer_expiry', at: '2028-02-05T10:00:00.000Z' });
  });

  test('expires even when nothing else is due (paused until resumed, unpaid)', () => {
    const paused = update(paid, { status: 'paused', pause: { startedAt: '2028-02-12T10:00:00.000Z', resumesAt: null } });
    expect(nextDue(paused)).toBeNull();
    expect(nextDue(withOffer(paused, '2028-02-24T10:00:00.000Z'))).toEqual({ kind: 'offer_expiry', at: '2028-02-24T10:00:00.000Z' });
    const unpaid = update(paid, { status: 'unpaid' });
    expect(nextDue(withOffer(unpaid, '2028-03-24T10:00:00.000Z'))).toEqual({ kind: 'offer_expiry', at: '2028-03-24T10:00:00.000Z' });
  });

  test('nothing is due for an ended subscription, open offer or not', () => {
    const ended = update(paid, { status: 'canceled', endedAt: '2028-02-12T10:00:00.000Z' });
    expect(nextDue(withOffer(ended, '2028-02-24T10:00:00.000Z'))).toBeNull();
  });

  test('without an offer, no offer expiry is ever due', () => {
    expect(nextDue(paid)?.kind).toBe('period_end');
  });
});

describe('describeDue: offer_expiry', () => {
  test('names the day the offer is open until', () => {
    expect(describeDue({ kind: 'offer_expiry', at: '2028-02-24T10:00:00.000Z' })).toBe('offer open until 2028-02-24');
  });
});
