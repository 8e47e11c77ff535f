// The offer rules seeded into every database (prisma/offer-rules.json), checked against the API's
// schema and evaluated against subscriptions built with the domain's own steps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setAddOnQuantity } from '../../domain/add-on-changes';
import { paymentSucceeded } from '../../domain/collection';
import { canReceiveOffer, matchingRules, offerFacts, resolveTarget, rulesAt, type OfferRule } from '../../domain/offers';
import { PLAN_CATALOGUE } from '../../domain/plans';
import { retentionOffer, type LeavingReason } from '../../domain/retention';
import { update, type SubscriptionState } from '../../domain/subscription';
import { offerRule } from '../../infra/catalogue';
import { T0, active, pastDue } from './fixtures';
import { addOn, level, renewPaid, renewPaidTimes } from './upsell-fixtures';

const RAW: unknown = JSON.parse(readFileSync(join(__dirname, '../../prisma/offer-rules.json'), 'utf8'));
const RULES: OfferRule[] = (RAW as unknown[]).map((rule) => offerRule.parse(rule));
/** The rules evaluated at renewals and usage reports (as evaluateOffers reads them). */
const UPSELL = rulesAt(RULES, 'renewal');

const AT = '2029-06-01T00:00:00.000Z';

/** Ids of the seeded rules whose conditions hold for `state`, highest priority first. */
function firing(state: SubscriptionState): string[] {
  return matchingRules(UPSELL, offerFacts(state, UPSELL)).map((rule) => rule.id);
}

/** What the workflow would offer: the first matching rule whose target exists (as evaluateOffers does). */
function decide(state: SubscriptionState, at = AT): { rule: string; plan: string; percentOff: number; discountPeriods: number } | null {
  if (!canReceiveOffer(state, at)) return null;
  for (const rule of matchingRules(UPSELL, offerFacts(state, UPSELL))) {
    const plan = resolveTarget(rule.offer.target, state.plan, PLAN_CATALOGUE);
    if (plan) return { rule: rule.id, plan: plan.code, percentOff: rule.offer.percentOff, discountPeriods: rule.offer.discountPeriods };
  }
  return null;
}

/** Reports `metric` at `levels[i]` in period i (period 0 is paid on opening; each later one is renewed and paid). */
function withLevels(planCode: string, metric: string, levels: number[], prepare: (s: SubscriptionState) => SubscriptionState = (s) => s): SubscriptionState {
  let state = prepare(active(planCode));
  levels.forEach((value, i) => {
    if (i > 0) state = renewPaid(state);
    state = level(state, metric, value);
  });
  return state;
}

describe('prisma/offer-rules.json', () => {
  test('is a list of rules the offer-rule schema accepts', () => {
    expect(Array.isArray(RAW)).toBe(true);
    for (const rule of RAW as unknown[]) {
      const parsed = offerRule.safeParse(rule);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
  });

  test('parsing keeps every field (nothing unknown is stripped)', () => {
    expect(RULES).toEqual(RAW);
  });

  test('seeds four enabled upsell rules in priority order seats > storage > loyalty > annual, and one retention rule', () => {
    expect(rulesAt(RULES, 'renewal').map((r) => [r.id, r.enabled, r.priority])).toEqual([
      ['seats-next-tier', true, 30],
      ['storage-next-tier', true, 29],
      ['loyal-basic-to-pro', true, 20],
      ['annual-switch', true, 10],
    ]);
    expect(rulesAt(RULES, 'cancel').map((r) => [r.id, r.enabled, r.priority])).toEqual([['too-expensive-stay', true, 10]]);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  test('the schema is strict: a broken rule is refused', () => {
    const seats = RAW as Array<Record<string, unknown>>;
    expect(offerRule.safeParse({ ...seats[0], when: [{ usage: 'seats', atLeastRatio: 0, forPeriods: 2 }] }).success).toBe(false);
    expect(offerRule.safeParse({ ...seats[0], when: [{ fact: 'tier', equals: 'pro' }] }).success).toBe(false);
    expect(offerRule.safeParse({ ...seats[0], when: [] }).success).toBe(false);
    expect(offerRule.safeParse({ ...seats[0], id: 'Seats Next Tier' }).success).toBe(false);
    expect(offerRule.safeParse({ ...seats[0], extra: true }).success).toBe(false);
  });

  test('retention targets and the cancelReason condition belong to rules with moment "cancel" only', () => {
    const [seats, , , , stay] = RAW as Array<Record<string, unknown>>;
    const stayOffer = stay!.offer as Record<string, unknown>;
    expect(offerRule.safeParse({ ...seats, offer: { ...stayOffer } }).success).toBe(false);
    expect(offerRule.safeParse({ ...seats, when: [{ fact: 'cancelReason', in: ['too_expensive'] }] }).success).toBe(false);
    expect(offerRule.safeParse({ ...stay, offer: { ...stayOffer, target: { kind: 'next_tier' } } }).success).toBe(false);
    expect(offerRule.safeParse({ ...stay, offer: { ...stayOffer, percentOff: 0 } }).success).toBe(false);
    expect(offerRule.safeParse({ ...stay, when: [{ fact: 'cancelReason', in: ['bored'] }] }).success).toBe(false);
    expect(offerRule.safeParse({ ...stay, offer: { ...stayOffer, target: { kind: 'lower_tier' }, percentOff: 0 } }).success).toBe(true);
  });
});

describe('seats-next-tier', () => {
  test('fires when seats are at 80% or more of the quota two periods running: the next tier at 20% off for 3 periods', () => {
    const state = withLevels('basic-monthly', 'seats', [3, 3]); // 3 of 3
    expect(firing(state)).toEqual(['seats-next-tier']);
    expect(decide(state)).toEqual({ rule: 'seats-next-tier', plan: 'pro-monthly', percentOff: 20, discountPeriods: 3 });
  });

  test('a level reported once carries into the next period and counts for it', () => {
    expect(firing(withLevels('basic-monthly', 'seats', [3]))).toEqual([]);
    expect(firing(renewPaid(withLevels('basic-monthly', 'seats', [3])))).toEqual(['seats-next-tier']);
  });

  test('does not fire for only one period at 80%', () => {
    expect(firing(withLevels('basic-monthly', 'seats', [1, 3]))).toEqual([]);
    expect(firing(withLevels('basic-monthly', 'seats', [3, 1, 1]))).toEqual([]);
  });

  test('does not fire below 80% (2 of 3 seats is 67%)', () => {
    expect(firing(withLevels('basic-monthly', 'seats', [2, 2, 2]))).toEqual([]);
  });

  test('a whole period below 80% restarts the count', () => {
    // Period 1 still peaks at 3 (the level carried in) before the drop to 1; period 2 stays at 1.
    const state = withLevels('basic-monthly', 'seats', [3, 1, 1, 3]);
    expect(state.periodIndex).toBe(3);
    expect(firing(state)).toEqual([]);
    expect(firing(renewPaid(state))).toEqual(['seats-next-tier']);
  });

  test('add-on seats raise the quota: 3 of 5 seats is 60%, 4 of 5 is 80%', () => {
    const withSeats = (s: SubscriptionState) => setAddOnQuantity(s, { addOn: addOn('extra-seat'), quantity: 2 }, T0);
    expect(firing(withLevels('basic-monthly', 'seats', [3, 3], withSeats))).toEqual([]);
    expect(firing(withLevels('basic-monthly', 'seats', [4, 4], withSeats))).toEqual(['seats-next-tier']);
  });

  test('Pro at 8 of 10 seats is offered Business; 7 of 10 is not', () => {
    expect(decide(withLevels('pro-monthly', 'seats', [8, 8]))).toMatchObject({ rule: 'seats-next-tier', plan: 'business-monthly' });
    expect(decide(withLevels('pro-monthly', 'seats', [7, 7]))).toBeNull();
  });

  test('offers the next tier in the subscription’s currency and interval', () => {
    expect(decide(withLevels('basic-monthly-nok', 'seats', [3, 3]))?.plan).toBe('pro-monthly-nok');
    expect(decide(withLevels('basic-yearly', 'seats', [3, 3]))?.plan).toBe('pro-yearly');
  });

  test('on the top tier the rule holds but there is nothing to offer', () => {
    const state = withLevels('business-monthly', 'seats', [50, 50]);
    expect(firing(state)).toEqual(['seats-next-tier']);
    expect(decide(state)).toBeNull();
  });
});

describe('storage-next-tier', () => {
  test('fires at 80% of the storage quota two periods running', () => {
    expect(decide(withLevels('pro-monthly', 'storage_gb', [80, 80]))).toEqual({ rule: 'storage-next-tier', plan: 'business-monthly', percentOff: 20, discountPeriods: 3 });
  });

  test('does not fire just below 80%, or for one period', () => {
    expect(firing(withLevels('pro-monthly', 'storage_gb', [79, 79]))).toEqual([]);
    expect(firing(withLevels('pro-monthly', 'storage_gb', [10, 80]))).toEqual([]);
  });

  test('extra storage raises the quota: 80 GB of 110 GB is 73%, 88 GB is 80%', () => {
    const withStorage = (s: SubscriptionState) => setAddOnQuantity(s, { addOn: addOn('extra-storage'), quantity: 1 }, T0);
    expect(firing(withLevels('basic-monthly', 'storage_gb', [80, 80], withStorage))).toEqual([]);
    expect(firing(withLevels('basic-monthly', 'storage_gb', [88, 88], withStorage))).toEqual(['storage-next-tier']);
  });

  test('when seats and storage both qualify, the seats rule comes first', () => {
    let state = level(level(active('basic-monthly'), 'seats', 3), 'storage_gb', 9);
    state = renewPaid(state);
    expect(firing(state)).toEqual(['seats-next-tier', 'storage-next-tier']);
    expect(decide(state)?.rule).toBe('seats-next-tier');
  });
});

describe('loyal-basic-to-pro', () => {
  test('fires after 6 paid renewals on Basic with no failed payment, ahead of the annual switch', () => {
    const loyal = renewPaidTimes(active('basic-monthly'), 6);
    expect(firing(loyal)).toEqual(['loyal-basic-to-pro', 'annual-switch']);
    expect(decide(loyal)).toEqual({ rule: 'loyal-basic-to-pro', plan: 'pro-monthly', percentOff: 10, discountPeriods: 3 });
  });

  test('does not fire after 5 renewals', () => {
    expect(firing(renewPaidTimes(active('basic-monthly'), 5))).toEqual([]);
  });

  test('does not fire after a failed payment, even a recovered one: the annual switch does', () => {
    const { state, invoice } = pastDue('soft');
    const recovered = paymentSucceeded(state, { ...invoice, attempts: 2 }, '2028-03-03T10:00:00.000Z').state;
    const later = renewPaidTimes(recovered, 5); // 7 paid period invoices: 6 renewals
    expect(later.stats).toEqual({ paidPeriods: 7, consecutivePaidPeriods: 6, failedPayments: 1 });
    expect(firing(later)).toEqual(['annual-switch']);
    expect(decide(later)?.rule).toBe('annual-switch');
  });

  test('does not fire on another product', () => {
    expect(firing(renewPaidTimes(active('pro-monthly'), 6))).toEqual(['annual-switch']);
  });

  test('a yearly Basic subscription is offered Pro yearly', () => {
    const yearly = renewPaidTimes(active('basic-yearly'), 6);
    expect(firing(yearly)).toEqual(['loyal-basic-to-pro']);
    expect(decide(yearly)?.plan).toBe('pro-yearly');
  });
});

describe('annual-switch', () => {
  test('after 6 monthly renewals: the yearly plan of the same product, without a discount', () => {
    expect(decide(renewPaidTimes(active('pro-monthly-nok'), 6))).toEqual({ rule: 'annual-switch', plan: 'pro-yearly-nok', percentOff: 0, discountPeriods: 0 });
  });

  test('does not fire after 5 renewals', () => {
    expect(firing(renewPaidTimes(active('pro-monthly'), 5))).toEqual([]);
  });

  test('does not fire on a yearly plan', () => {
    expect(firing(renewPaidTimes(active('business-yearly'), 6))).toEqual([]);
    expect(firing(renewPaidTimes(active('pro-yearly'), 6))).toEqual([]);
  });
});

describe('the seeded rules and the offer gate', () => {
  const loyal = renewPaidTimes(active('basic-monthly'), 6);

  test('nothing is offered while a cancel is scheduled, during a cooldown, or with an offer open', () => {
    expect(decide(update(loyal, { cancelAtPeriodEnd: true }))).toBeNull();
    expect(decide(update(loyal, { offers: { ...loyal.offers, cooldownUntil: '2029-07-01T00:00:00.000Z' } }))).toBeNull();
    expect(decide(update(loyal, { offers: { ...loyal.offers, cooldownUntil: '2029-05-01T00:00:00.000Z' } }))?.rule).toBe('loyal-basic-to-pro');
  });

  test('usage rules outrank loyalty rules', () => {
    expect(decide(renewPaid(level(loyal, 'seats', 3)))?.rule).toBe('seats-next-tier');
  });
});

describe('too-expensive-stay (retention, at the cancel moment)', () => {
  const ask = (state: SubscriptionState, reason: LeavingReason) =>
    retentionOffer({ state, reason, rules: RULES, answers: [], catalogue: PLAN_CATALOGUE, at: AT });

  test('after a paid renewal, "too expensive" is offered 30% off the current plan for 3 periods', () => {
    expect(ask(renewPaid(active('pro-monthly')), 'too_expensive')).toMatchObject({ ruleId: 'too-expensive-stay', plan: { code: 'pro-monthly' }, planChanges: false, percentOff: 30, discountPeriods: 3 });
  });

  test('not in the first period, and not for another reason', () => {
    expect(ask(active('pro-monthly'), 'too_expensive')).toBeNull();
    for (const reason of ['missing_features', 'not_using', 'switching', 'other'] as const) expect(ask(renewPaid(active('pro-monthly')), reason)).toBeNull();
  });

  test('is never evaluated at a renewal: only renewal rules are read there, and without a reason its condition does not hold', () => {
    expect(UPSELL.map((rule) => rule.id)).not.toContain('too-expensive-stay');
    const state = renewPaidTimes(active('pro-yearly'), 6);
    expect(matchingRules(RULES, offerFacts(state, RULES))).toEqual([]);
  });
});
