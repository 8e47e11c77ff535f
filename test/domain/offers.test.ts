import { setAddOnQuantity } from '../../domain/add-on-changes';
import { paymentSucceeded } from '../../domain/collection';
import {
  canReceiveOffer,
  closeOffer,
  makeOffer,
  matchingRules,
  offerDiscount,
  offerFacts,
  offerMrrDelta,
  offerNumber,
  resolveTarget,
  type OfferFacts,
  type OfferRule,
  type OpenOffer,
  type RuleCondition,
} from '../../domain/offers';
import { PLAN_CATALOGUE } from '../../domain/plans';
import { SUBSCRIPTION_STATUSES } from '../../domain/status';
import { update } from '../../domain/subscription';
import { T0, active, opened, pastDue, plan } from './fixtures';
import { addOn, level, renewPaid, renewPaidTimes } from './upsell-fixtures';

const AT = '2028-02-10T12:00:00.000Z';

function rule(id: string, when: RuleCondition[], patch: Partial<OfferRule> = {}): OfferRule {
  return {
    id,
    description: id,
    enabled: true,
    priority: 0,
    when,
    offer: { target: { kind: 'next_tier' }, percentOff: 20, discountPeriods: 3, expiresInDays: 14 },
    cooldownDays: 30,
    ...patch,
  };
}

const FACTS: OfferFacts = {
  product: 'basic',
  planCode: 'basic-monthly',
  interval: 'month',
  currency: 'EUR',
  tier: 1,
  paidRenewals: 6,
  consecutivePaidRenewals: 4,
  failedPayments: 1,
  cancelReason: null,
  usage: { seats: { '0.8': 2 } },
  held: {},
};

const ids = (rules: OfferRule[]) => rules.map((r) => r.id);

function openOffer(patch: Partial<OpenOffer> = {}): OpenOffer {
  return {
    id: 'OFR-sub_1-0001',
    ruleId: 'seats-next-tier',
    fromPlan: 'basic-monthly',
    plan: plan('pro-monthly'),
    percentOff: 20,
    discountPeriods: 3,
    createdAt: AT,
    expiresAt: '2028-02-24T12:00:00.000Z',
    cooldownDays: 30,
    mrrDeltaCents: 2_000,
    ...patch,
  };
}

describe('canReceiveOffer', () => {
  const base = active('basic-monthly');

  test('an active subscription with nothing scheduled and no offer may receive one', () => {
    expect(canReceiveOffer(base, AT)).toBe(true);
  });

  test.each(SUBSCRIPTION_STATUSES.filter((s) => s !== 'active'))('a %s subscription may not', (status) => {
    expect(canReceiveOffer(update(base, { status }), AT)).toBe(false);
  });

  test('not while another offer is open', () => {
    expect(canReceiveOffer(update(base, { offer: openOffer() }), AT)).toBe(false);
  });

  test('not while a cancel, a pause or a plan change is scheduled', () => {
    expect(canReceiveOffer(update(base, { cancelAtPeriodEnd: true, canceledAt: AT }), AT)).toBe(false);
    expect(canReceiveOffer(update(base, { pauseAtPeriodEnd: { periods: 1 } }), AT)).toBe(false);
    expect(canReceiveOffer(update(base, { scheduledChange: { plan: plan('pro-monthly'), requestedAt: AT } }), AT)).toBe(false);
  });

  test('not during the cooldown; again from the moment it ends', () => {
    const cooling = update(base, { offers: { ...base.offers, cooldownUntil: '2028-03-01T00:00:00.000Z' } });
    expect(canReceiveOffer(cooling, '2028-02-29T23:59:59.999Z')).toBe(false);
    expect(canReceiveOffer(cooling, '2028-03-01T00:00:00.000Z')).toBe(true);
    expect(canReceiveOffer(cooling, '2028-03-02T00:00:00.000Z')).toBe(true);
  });
});

describe('offerFacts', () => {
  test('describes the plan: product, code, interval, currency and tier', () => {
    expect(offerFacts(active('basic-monthly'), [])).toMatchObject({ product: 'basic', planCode: 'basic-monthly', interval: 'month', currency: 'EUR', tier: 1 });
    expect(offerFacts(active('pro-yearly-nok'), [])).toMatchObject({ product: 'pro', planCode: 'pro-yearly-nok', interval: 'year', currency: 'NOK', tier: 2 });
  });

  test('paid renewals are the paid period invoices after the first', () => {
    expect(offerFacts(active('basic-monthly'), []).paidRenewals).toBe(0);
    expect(offerFacts(renewPaidTimes(active('basic-monthly'), 3), []).paidRenewals).toBe(3);
  });

  test('the first paid invoice after a trial is not a renewal', () => {
    const trialing = opened('business-monthly');
    expect(offerFacts(trialing, []).paidRenewals).toBe(0);
    const converted = renewPaid(trialing);
    expect(converted.status).toBe('active');
    expect(converted.stats.paidPeriods).toBe(1);
    expect(offerFacts(converted, []).paidRenewals).toBe(0);
    expect(offerFacts(renewPaid(converted), []).paidRenewals).toBe(1);
  });

  test('failed payments are counted, and a failure restarts the run of consecutive paid renewals', () => {
    const { state, invoice } = pastDue('soft'); // period 1 renewal declined once
    expect(offerFacts(state, [])).toMatchObject({ failedPayments: 1, consecutivePaidRenewals: 0, paidRenewals: 0 });
    const recovered = paymentSucceeded(state, { ...invoice, attempts: 2 }, '2028-03-03T10:00:00.000Z').state;
    expect(offerFacts(recovered, [])).toMatchObject({ failedPayments: 1, consecutivePaidRenewals: 1, paidRenewals: 1 });
    const later = renewPaidTimes(recovered, 2);
    expect(offerFacts(later, [])).toMatchObject({ failedPayments: 1, consecutivePaidRenewals: 3, paidRenewals: 3 });
  });

  test('consecutive paid renewals do not count the first invoice: none before the first renewal', () => {
    expect(offerFacts(active('basic-monthly'), []).consecutivePaidRenewals).toBe(0);
  });

  test('consecutive paid renewals equal paid renewals when no payment ever failed', () => {
    const facts = offerFacts(renewPaidTimes(active('basic-monthly'), 3), []);
    expect(facts.paidRenewals).toBe(3);
    expect(facts.consecutivePaidRenewals).toBe(3);
  });

  test('answers only the usage questions the rules ask, per metric and ratio', () => {
    const rules = [
      rule('a', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }]),
      rule('b', [{ usage: 'seats', atLeastRatio: 1, forPeriods: 1 }, { usage: 'storage_gb', atLeastRatio: 0.8, forPeriods: 2 }]),
    ];
    let state = level(active('basic-monthly'), 'seats', 3); // quota 3: 80% is 2.4
    state = level(state, 'storage_gb', 9); // quota 10: 80% is 8
    state = renewPaid(state); // levels carry into period 1
    expect(offerFacts(state, rules).usage).toEqual({ seats: { '0.8': 2, '1': 2 }, storage_gb: { '0.8': 2 } });
    expect(offerFacts(state, []).usage).toEqual({});
  });

  test('add-ons raise the quota usage is compared with', () => {
    const rules = [rule('a', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }, { usage: 'seats', atLeastRatio: 1, forPeriods: 2 }])];
    let state = setAddOnQuantity(active('basic-monthly'), { addOn: addOn('extra-seat'), quantity: 2 }, T0); // seats quota 3 + 2 = 5
    state = renewPaid(level(state, 'seats', 4)); // 4 of 5: 80%, not 100%
    expect(offerFacts(state, rules).usage).toEqual({ seats: { '0.8': 2, '1': 0 } });
    state = level(state, 'seats', 3); // period 1 already peaked at 4 (carried over)
    expect(offerFacts(state, rules).usage.seats!['0.8']).toBe(2);
    expect(offerFacts(renewPaid(state), rules).usage.seats!['0.8']).toBe(0); // 3 of 5 is 60%
  });
});

describe('matchingRules', () => {
  test('equals: holds only for that value', () => {
    expect(ids(matchingRules([rule('r', [{ fact: 'product', equals: 'basic' }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'product', equals: 'pro' }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'planCode', equals: 'basic-monthly' }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'interval', equals: 'year' }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'currency', equals: 'EUR' }])], FACTS))).toEqual(['r']);
  });

  test('in: holds for any of the values', () => {
    expect(ids(matchingRules([rule('r', [{ fact: 'currency', in: ['NOK', 'EUR'] }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'product', in: ['pro', 'business'] }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'product', in: [] }])], FACTS))).toEqual([]);
  });

  test('equals and in together must both hold', () => {
    expect(ids(matchingRules([rule('r', [{ fact: 'product', equals: 'basic', in: ['basic', 'pro'] }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'product', equals: 'basic', in: ['pro'] }])], FACTS))).toEqual([]);
  });

  test('holds: an add-on held by its code, custom lines by the product they sell, at least atLeast units (default 1)', () => {
    const line = { metric: null, unitsPerQuantity: 0 };
    const addOns = [
      { code: 'extra-seat', name: 'Extra seat', quantity: 3, unitAmountCents: 500, monthlyAmountCents: 500, metric: 'seats', unitsPerQuantity: 1 },
      { ...line, code: 'custom-1', name: 'Consulting days', quantity: 2, unitAmountCents: 90_000, monthlyAmountCents: 90_000, custom: { product: 'consulting' } },
      { ...line, code: 'custom-2', name: 'More consulting', quantity: 1, unitAmountCents: 90_000, monthlyAmountCents: 90_000, custom: { product: 'consulting' } },
      { ...line, code: 'custom-3', name: 'Support', quantity: 1, unitAmountCents: 1_000, monthlyAmountCents: 1_000, custom: {} },
    ];
    const facts = offerFacts({ ...active('basic-monthly'), addOns }, []);
    expect(facts.held).toEqual({ 'extra-seat': 3, consulting: 3 });
    expect(ids(matchingRules([rule('r', [{ holds: 'extra-seat' }])], facts))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ holds: 'extra-seat', atLeast: 4 }])], facts))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ holds: 'consulting', atLeast: 3 }])], facts))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ holds: 'custom-3' }])], facts))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ holds: 'extra-storage' }])], facts))).toEqual([]);
  });

  test('atLeast and atMost are inclusive bounds', () => {
    expect(ids(matchingRules([rule('r', [{ fact: 'paidRenewals', atLeast: 6 }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'paidRenewals', atLeast: 7 }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'failedPayments', atMost: 1 }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'failedPayments', atMost: 0 }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'tier', atLeast: 1, atMost: 1 }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ fact: 'tier', atLeast: 2, atMost: 3 }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ fact: 'consecutivePaidRenewals', atLeast: 4, atMost: 4 }])], FACTS))).toEqual(['r']);
  });

  test('a condition with no bound or value always holds', () => {
    expect(ids(matchingRules([rule('r', [{ fact: 'tier' }, { fact: 'product' }])], FACTS))).toEqual(['r']);
  });

  test('usage: holds when the metric reached the ratio for at least that many periods', () => {
    expect(ids(matchingRules([rule('r', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 1 }])], FACTS))).toEqual(['r']);
    expect(ids(matchingRules([rule('r', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 3 }])], FACTS))).toEqual([]);
  });

  test('usage: a metric or ratio with no answer has not been reached', () => {
    expect(ids(matchingRules([rule('r', [{ usage: 'storage_gb', atLeastRatio: 0.8, forPeriods: 1 }])], FACTS))).toEqual([]);
    expect(ids(matchingRules([rule('r', [{ usage: 'seats', atLeastRatio: 0.9, forPeriods: 1 }])], FACTS))).toEqual([]);
  });

  test('every condition of a rule must hold', () => {
    const both = rule('r', [{ fact: 'product', equals: 'basic' }, { fact: 'failedPayments', atMost: 0 }]);
    expect(matchingRules([both], FACTS)).toEqual([]);
    expect(ids(matchingRules([both], { ...FACTS, failedPayments: 0 }))).toEqual(['r']);
  });

  test('disabled rules never match', () => {
    expect(matchingRules([rule('r', [{ fact: 'product', equals: 'basic' }], { enabled: false })], FACTS)).toEqual([]);
  });

  test('returns the matching rules highest priority first, ties by id', () => {
    const rules = [
      rule('low', [{ fact: 'tier', atLeast: 1 }], { priority: 1 }),
      rule('none', [{ fact: 'tier', atLeast: 9 }], { priority: 100 }),
      rule('high', [{ fact: 'tier', atLeast: 1 }], { priority: 50 }),
      rule('b-mid', [{ fact: 'tier', atLeast: 1 }], { priority: 10 }),
      rule('a-mid', [{ fact: 'tier', atLeast: 1 }], { priority: 10 }),
      rule('negative', [{ fact: 'tier', atLeast: 1 }], { priority: -5 }),
    ];
    expect(ids(matchingRules(rules, FACTS))).toEqual(['high', 'a-mid', 'b-mid', 'low', 'negative']);
  });

  test('does not reorder the rules it was given', () => {
    const rules = [rule('a', [{ fact: 'tier' }], { priority: 1 }), rule('b', [{ fact: 'tier' }], { priority: 2 })];
    matchingRules(rules, FACTS);
    expect(ids(rules)).toEqual(['a', 'b']);
  });
});

describe('resolveTarget', () => {
  const resolve = (target: Parameters<typeof resolveTarget>[0], from: string) => resolveTarget(target, plan(from), PLAN_CATALOGUE)?.code ?? null;

  test('next_tier: the next tier up, same currency and interval', () => {
    expect(resolve({ kind: 'next_tier' }, 'basic-monthly')).toBe('pro-monthly');
    expect(resolve({ kind: 'next_tier' }, 'pro-monthly')).toBe('business-monthly');
    expect(resolve({ kind: 'next_tier' }, 'basic-yearly-nok')).toBe('pro-yearly-nok');
    expect(resolve({ kind: 'next_tier' }, 'pro-yearly')).toBe('business-yearly');
  });

  test('next_tier: nothing above the top tier', () => {
    expect(resolve({ kind: 'next_tier' }, 'business-monthly')).toBeNull();
    expect(resolve({ kind: 'next_tier' }, 'business-yearly-nok')).toBeNull();
  });

  test('next_tier: the lowest tier above when one is missing from the catalogue', () => {
    const withoutPro = PLAN_CATALOGUE.filter((p) => p.product !== 'pro');
    expect(resolveTarget({ kind: 'next_tier' }, plan('basic-monthly'), withoutPro)?.code).toBe('business-monthly');
  });

  test('annual: the yearly plan of the same product and currency', () => {
    expect(resolve({ kind: 'annual' }, 'basic-monthly')).toBe('basic-yearly');
    expect(resolve({ kind: 'annual' }, 'pro-monthly-nok')).toBe('pro-yearly-nok');
    expect(resolve({ kind: 'annual' }, 'business-monthly')).toBe('business-yearly');
  });

  test('annual: nothing for a plan that is already yearly', () => {
    expect(resolve({ kind: 'annual' }, 'basic-yearly')).toBeNull();
    expect(resolve({ kind: 'annual' }, 'pro-yearly-nok')).toBeNull();
  });

  test('product: that product, same currency and interval', () => {
    expect(resolve({ kind: 'product', product: 'pro' }, 'basic-monthly')).toBe('pro-monthly');
    expect(resolve({ kind: 'product', product: 'pro' }, 'basic-yearly-nok')).toBe('pro-yearly-nok');
    expect(resolve({ kind: 'product', product: 'basic' }, 'business-monthly')).toBe('basic-monthly');
  });

  test('product: nothing for the product the subscription is already on, or an unknown one', () => {
    expect(resolve({ kind: 'product', product: 'basic' }, 'basic-monthly')).toBeNull();
    expect(resolve({ kind: 'product', product: 'enterprise' }, 'basic-monthly')).toBeNull();
  });

  test('never proposes a plan in another currency', () => {
    const eurOnly = PLAN_CATALOGUE.filter((p) => p.currency === 'EUR');
    const from = plan('basic-monthly-nok');
    expect(resolveTarget({ kind: 'next_tier' }, from, eurOnly)).toBeNull();
    expect(resolveTarget({ kind: 'annual' }, from, eurOnly)).toBeNull();
    expect(resolveTarget({ kind: 'product', product: 'pro' }, from, eurOnly)).toBeNull();
  });
});

describe('makeOffer', () => {
  const seatsRule = rule('seats-next-tier', [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }]);

  test('opens an offer numbered OFR-<subscription>-0001 that expires after the rule’s days', () => {
    const base = active('basic-monthly');
    const { state } = makeOffer(base, seatsRule, plan('pro-monthly'), AT);
    const offer: OpenOffer = {
      id: 'OFR-sub_1-0001',
      ruleId: 'seats-next-tier',
      fromPlan: 'basic-monthly',
      plan: plan('pro-monthly'),
      percentOff: 20,
      discountPeriods: 3,
      createdAt: AT,
      expiresAt: '2028-02-24T12:00:00.000Z',
      cooldownDays: 30,
      mrrDeltaCents: 2_000, // 29.00 − 9.00 per month
    };
    expect(state.offer).toEqual(offer);
    expect(state.offers).toEqual({ made: 1, cooldownUntil: null, lastUsageEvaluationAt: null });
    expect(state.version).toBe(base.version + 1);
    expect(state.plan.code).toBe('basic-monthly'); // nothing changes until it is accepted
  });

  test('records the offer and emails it to the customer', () => {
    const { state, effects } = makeOffer(active('basic-monthly'), seatsRule, plan('pro-monthly'), AT);
    expect(effects).toEqual([
      { kind: 'offer', offer: state.offer, status: 'open', at: AT, subscriptionId: 'sub_1', currency: 'EUR' },
      {
        kind: 'email',
        email: {
          key: 'sub_1/offer/OFR-sub_1-0001',
          to: 'ada@example.com',
          customerName: 'Ada',
          subscriptionId: 'sub_1',
          timeZone: 'UTC',
          content: {
            template: 'offer',
            offerId: 'OFR-sub_1-0001',
            fromPlan: 'Basic monthly',
            toPlan: 'Pro monthly',
            toPlanAmountCents: 2_900,
            currency: 'EUR',
            interval: 'month',
            percentOff: 20,
            discountPeriods: 3,
            expiresAt: '2028-02-24T12:00:00.000Z',
          },
        },
      },
    ]);
  });

  test('the MRR delta compares list prices per month, across intervals', () => {
    const annual = rule('annual-switch', [], { offer: { target: { kind: 'annual' }, percentOff: 0, discountPeriods: 0, expiresInDays: 30 }, cooldownDays: 90 });
    // Basic yearly is 90.00 a year = 7.50 a month: 1.50 a month less than Basic monthly.
    const toYearly = makeOffer(active('basic-monthly'), annual, plan('basic-yearly'), AT).state.offer!;
    expect(toYearly).toMatchObject({ mrrDeltaCents: -150, expiresAt: '2028-03-11T12:00:00.000Z', percentOff: 0, discountPeriods: 0, cooldownDays: 90 });
    // 290.00 / 12 = 24.1667 → 24.17; 90.00 / 12 = 7.50
    expect(makeOffer(active('basic-yearly'), seatsRule, plan('pro-yearly'), AT).state.offer!.mrrDeltaCents).toBe(1_667);
    expect(offerMrrDelta(plan('pro-monthly-nok'), { plan: plan('business-monthly-nok') })).toBe(70_000);
  });

  test('a NOK subscription’s offer is recorded and emailed in NOK', () => {
    const { effects } = makeOffer(active('basic-monthly-nok'), seatsRule, plan('pro-monthly-nok'), AT);
    expect(effects[0]).toMatchObject({ kind: 'offer', currency: 'NOK' });
    expect(effects[1]).toMatchObject({ email: { content: { toPlanAmountCents: 29_900, currency: 'NOK' } } });
  });

  test('offers are numbered in sequence per subscription', () => {
    const first = makeOffer(active('basic-monthly'), seatsRule, plan('pro-monthly'), AT).state;
    const closed = closeOffer(first, 'declined', '2028-02-11T12:00:00.000Z').state;
    const second = makeOffer(closed, seatsRule, plan('pro-monthly'), '2028-03-20T12:00:00.000Z').state;
    expect(second.offer!.id).toBe('OFR-sub_1-0002');
    expect(second.offers.made).toBe(2);
    expect(offerNumber('sub_9', 12)).toBe('OFR-sub_9-0012');
  });
});

describe('closeOffer', () => {
  const withOffer = update(active('basic-monthly'), { offer: openOffer(), offers: { made: 1, cooldownUntil: null, lastUsageEvaluationAt: null } });
  const DECLINED_AT = '2028-02-12T08:30:00.000Z';

  test.each(['declined', 'expired', 'accepted'] as const)('%s: clears the offer, starts the cooldown and records the outcome', (outcome) => {
    const { state, effects } = closeOffer(withOffer, outcome, DECLINED_AT);
    expect(state.offer).toBeNull();
    expect(state.offers).toEqual({ made: 1, cooldownUntil: '2028-03-13T08:30:00.000Z', lastUsageEvaluationAt: null }); // + 30 days
    expect(effects).toEqual([{ kind: 'offer', offer: openOffer(), status: outcome, at: DECLINED_AT, subscriptionId: 'sub_1', currency: 'EUR' }]);
  });

  test('no new offer until the cooldown has passed', () => {
    const { state } = closeOffer(withOffer, 'declined', DECLINED_AT);
    expect(canReceiveOffer(state, '2028-03-13T08:29:59.000Z')).toBe(false);
    expect(canReceiveOffer(state, '2028-03-13T08:30:00.000Z')).toBe(true);
  });

  test('with no open offer, nothing happens', () => {
    const base = active('basic-monthly');
    const { state, effects } = closeOffer(base, 'expired', DECLINED_AT);
    expect(state).toBe(base);
    expect(effects).toEqual([]);
  });
});

describe('offerDiscount', () => {
  test('an offer at a discount becomes an offer discount for its number of periods', () => {
    expect(offerDiscount(openOffer())).toEqual({
      source: 'offer',
      code: 'OFR-sub_1-0001',
      name: '20% off Pro monthly for 3 periods',
      percentOff: 20,
      amountOffCents: null,
      remainingPeriods: 3,
    });
  });

  test('one period is named in the singular', () => {
    expect(offerDiscount(openOffer({ percentOff: 10, discountPeriods: 1 }))!.name).toBe('10% off Pro monthly for 1 period');
  });

  test('an offer with no discount, or for no periods, carries none', () => {
    expect(offerDiscount(openOffer({ percentOff: 0, discountPeriods: 0 }))).toBeNull();
    expect(offerDiscount(openOffer({ percentOff: 0, discountPeriods: 3 }))).toBeNull();
    expect(offerDiscount(openOffer({ percentOff: 20, discountPeriods: 0 }))).toBeNull();
  });
});
