// Retention offers: rules with moment 'cancel' matched on the reason a customer gives for
// cancelling, the subscription's facts, each rule's cooldown after an answer, and the states in
// which nothing is offered.
import { discountFromCoupon } from '../../domain/discounts';
import type { OfferRule, RuleCondition } from '../../domain/offers';
import { PLAN_CATALOGUE } from '../../domain/plans';
import { canReceiveRetentionOffer, retentionCoupon, retentionOffer, retentionPrices, type LeavingReason, type RetentionAnswer } from '../../domain/retention';
import { update, type SubscriptionState } from '../../domain/subscription';
import { active, pastDue, plusDays } from './fixtures';
import { coupon, renewPaid } from './upsell-fixtures';

const AT = '2028-03-15T12:00:00.000Z';

function rule(id: string, when: RuleCondition[], patch: Partial<OfferRule> = {}): OfferRule {
  return {
    id,
    description: id,
    enabled: true,
    moment: 'cancel',
    priority: 0,
    when,
    offer: { target: { kind: 'current_plan' }, percentOff: 30, discountPeriods: 3, expiresInDays: 1 },
    cooldownDays: 90,
    ...patch,
  };
}

const tooExpensive = rule('stay', [{ fact: 'cancelReason', in: ['too_expensive'] }]);

function ask(state: SubscriptionState, reason: LeavingReason, rules: OfferRule[] = [tooExpensive], answers: RetentionAnswer[] = [], at = AT) {
  return retentionOffer({ state, reason, rules, answers, catalogue: PLAN_CATALOGUE, at });
}

describe('matching', () => {
  test('a rule matches on one of its reasons; any other reason gets nothing', () => {
    const rules = [rule('stay', [{ fact: 'cancelReason', in: ['too_expensive', 'not_using'] }])];
    expect(ask(active('pro-monthly'), 'too_expensive', rules)?.ruleId).toBe('stay');
    expect(ask(active('pro-monthly'), 'not_using', rules)?.ruleId).toBe('stay');
    expect(ask(active('pro-monthly'), 'switching', rules)).toBeNull();
  });

  test('the other facts hold as for upsell rules: plan, product, tier, paid renewals', () => {
    const renewals = [tooExpensive.when[0]!, { fact: 'paidRenewals', atLeast: 1 } as const];
    const rules = [rule('loyal', renewals), rule('pro-only', [tooExpensive.when[0]!, { fact: 'product', equals: 'pro' }])];
    expect(ask(active('basic-monthly'), 'too_expensive', rules)).toBeNull();
    expect(ask(renewPaid(active('basic-monthly')), 'too_expensive', rules)?.ruleId).toBe('loyal');
    expect(ask(active('pro-monthly'), 'too_expensive', rules)?.ruleId).toBe('pro-only');
    expect(ask(active('pro-monthly'), 'too_expensive', [rule('tier', [{ fact: 'tier', atLeast: 3 }])])).toBeNull();
  });

  test('the highest-priority match wins; disabled rules and upsell rules are never asked', () => {
    const rules = [
      rule('low', tooExpensive.when, { priority: 1 }),
      rule('high', tooExpensive.when, { priority: 5 }),
      rule('off', tooExpensive.when, { priority: 9, enabled: false }),
      rule('upsell', [{ fact: 'product', equals: 'pro' }], { priority: 10, moment: undefined, offer: { target: { kind: 'next_tier' }, percentOff: 50, discountPeriods: 1, expiresInDays: 1 } }),
    ];
    expect(ask(active('pro-monthly'), 'too_expensive', rules)?.ruleId).toBe('high');
  });

  test('current_plan stays on the plan at the rule’s discount', () => {
    expect(ask(active('pro-monthly'), 'too_expensive')).toEqual({
      ruleId: 'stay',
      reason: 'too_expensive',
      plan: active('pro-monthly').plan,
      planChanges: false,
      percentOff: 30,
      discountPeriods: 3,
    });
  });

  test('lower_tier moves to the next lower tier of the same interval and currency; on the lowest tier the next rule is asked', () => {
    const down = rule('down', tooExpensive.when, { priority: 5, offer: { target: { kind: 'lower_tier' }, percentOff: 20, discountPeriods: 2, expiresInDays: 1 } });
    const rules = [down, tooExpensive];
    expect(ask(active('business-yearly-nok'), 'too_expensive', rules)).toMatchObject({ ruleId: 'down', plan: { code: 'pro-yearly-nok' }, planChanges: true, percentOff: 20 });
    expect(ask(active('pro-monthly'), 'too_expensive', rules)?.plan.code).toBe('basic-monthly');
    expect(ask(active('basic-monthly'), 'too_expensive', rules)).toMatchObject({ ruleId: 'stay', plan: { code: 'basic-monthly' } });
  });
});

describe('cooldown', () => {
  const answered = (outcome: RetentionAnswer['outcome'], daysBefore: number, ruleId = 'stay'): RetentionAnswer => ({ ruleId, outcome, answeredAt: plusDays(AT, -daysBefore) });

  test('a rule answered within its cooldown makes no new offer, accepted or declined', () => {
    expect(ask(active('pro-monthly'), 'too_expensive', [tooExpensive], [answered('declined', 89)])).toBeNull();
    expect(ask(active('pro-monthly'), 'too_expensive', [tooExpensive], [answered('accepted', 1)])).toBeNull();
  });

  test('once the cooldown has passed, the rule offers again', () => {
    expect(ask(active('pro-monthly'), 'too_expensive', [tooExpensive], [answered('declined', 90)])?.ruleId).toBe('stay');
  });

  test('a cooldown holds back only its own rule: another matching rule may still offer', () => {
    const other = rule('other', tooExpensive.when, { priority: -1 });
    expect(ask(active('pro-monthly'), 'too_expensive', [tooExpensive, other], [answered('declined', 10)])?.ruleId).toBe('other');
    expect(ask(active('pro-monthly'), 'too_expensive', [tooExpensive], [answered('declined', 10, 'other')])?.ruleId).toBe('stay');
  });
});

describe('states that are never offered anything', () => {
  const plain = active('pro-monthly');

  test('an active subscription with nothing pending may be', () => {
    expect(canReceiveRetentionOffer(plain)).toBe(true);
  });

  test.each([
    ['past due', pastDue().state],
    ['paused', update(plain, { status: 'paused', pause: { startedAt: AT, resumesAt: null } })],
    ['already canceling', update(plain, { cancelAtPeriodEnd: true })],
    ['pausing at period end', update(plain, { pauseAtPeriodEnd: { periods: 1 } })],
    ['waiting for a plan change', update(plain, { scheduledChange: { plan: PLAN_CATALOGUE.find((p) => p.code === 'basic-monthly')!, requestedAt: AT } })],
    ['with an active discount', update(plain, { discount: discountFromCoupon(coupon('WELCOME20')) })],
  ])('%s', (_name, state) => {
    expect(canReceiveRetentionOffer(state)).toBe(false);
    expect(ask(state, 'too_expensive', [rule('any', [{ fact: 'cancelReason', in: ['too_expensive'] }])])).toBeNull();
  });
});

describe('what the offer costs and how it is applied', () => {
  test('30% off Pro monthly (€29.00) is €20.30 a period for 3 periods, then €29.00', () => {
    const offer = ask(active('pro-monthly'), 'too_expensive')!;
    expect(retentionPrices(offer)).toEqual({ discountedCents: 2030, afterCents: 2900 });
    expect(retentionCoupon(offer)).toEqual({
      code: 'retention-stay',
      name: '30% off Pro monthly for 3 periods',
      percentOff: 30,
      amountOffCents: null,
      currency: null,
      duration: 'repeating',
      durationPeriods: 3,
    });
  });

  test('a lower tier without a discount is a plain move: no coupon, the same price during and after', () => {
    const down = rule('down', tooExpensive.when, { offer: { target: { kind: 'lower_tier' }, percentOff: 0, discountPeriods: 0, expiresInDays: 1 } });
    const offer = ask(active('pro-monthly'), 'too_expensive', [down])!;
    expect(retentionCoupon(offer)).toBeNull();
    expect(retentionPrices(offer)).toEqual({ discountedCents: 900, afterCents: 900 });
  });
});
