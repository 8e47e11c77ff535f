import { ADD_ON_CATALOGUE, type SubscriptionAddOn } from '../../domain/add-ons';
import { combineGrants, replaceGrant, sameGrants, subscriptionGrant, type SubscriptionGrant } from '../../domain/entitlements';
import { PLAN_CATALOGUE, type PlanSnapshot } from '../../domain/plans';
import { SUBSCRIPTION_STATUSES } from '../../domain/status';

const plan = (code: string): PlanSnapshot => PLAN_CATALOGUE.find((p) => p.code === code)!;

function attached(code: string, quantity: number, features?: string[]): SubscriptionAddOn {
  const definition = ADD_ON_CATALOGUE.find((a) => a.code === code);
  return {
    code,
    name: definition?.name ?? code,
    quantity,
    unitAmountCents: 500,
    monthlyAmountCents: 500,
    metric: definition?.metric ?? null,
    unitsPerQuantity: definition?.unitsPerQuantity ?? 0,
    ...(features ? { features } : {}),
  };
}

describe('subscriptionGrant', () => {
  test("grants the plan's features and quotas plus what recurring add-ons buy and grant", () => {
    const grant = subscriptionGrant({ id: 'sub_1', status: 'active', plan: plan('pro-monthly'), addOns: [attached('extra-seat', 2), attached('extra-storage', 1), attached('audit-pack', 1, ['audit-log'])] });
    expect(grant).toEqual({
      subscriptionId: 'sub_1',
      planCode: 'pro-monthly',
      status: 'active',
      features: ['api', 'audit-log', 'priority-support', 'sso-lite'],
      limits: { seats: 12, storage_gb: 200 },
    });
  });

  test('only trialing, active and past-due subscriptions grant anything', () => {
    const granting = SUBSCRIPTION_STATUSES.filter((status) => subscriptionGrant({ id: 's', status, plan: plan('basic-monthly'), addOns: [] }) !== null);
    expect(granting).toEqual(['trialing', 'active', 'past_due']);
  });

  test('a plan snapshot without features (taken before they existed) grants its quotas only', () => {
    const { features: _features, ...old } = plan('business-monthly');
    expect(subscriptionGrant({ id: 's', status: 'active', plan: old, addOns: [] })).toMatchObject({ features: [], limits: { seats: 50, storage_gb: 1_000 } });
  });
});

describe('combineGrants', () => {
  test('unites the features and sums the limits per metric, sorted', () => {
    expect(
      combineGrants([
        { features: ['sso', 'api'], limits: { storage_gb: 10, seats: 3 } },
        { features: ['api', 'audit-log'], limits: { seats: 10, api_calls: 1_000 } },
      ]),
    ).toEqual({ features: ['api', 'audit-log', 'sso'], limits: { api_calls: 1_000, seats: 13, storage_gb: 10 } });
  });

  test('nothing granted is empty', () => {
    expect(combineGrants([])).toEqual({ features: [], limits: {} });
  });
});

describe('replaceGrant and sameGrants', () => {
  const grant = (id: string, planCode: string): SubscriptionGrant => ({ subscriptionId: id, planCode, status: 'active', features: ['api'], limits: { seats: 3 } });

  test("replaces a subscription's grant, drops it when it grants nothing, and keeps id order", () => {
    const grants = [grant('sub_a', 'basic-monthly'), grant('sub_c', 'basic-monthly')];
    expect(replaceGrant(grants, 'sub_b', grant('sub_b', 'pro-monthly')).map((g) => g.subscriptionId)).toEqual(['sub_a', 'sub_b', 'sub_c']);
    expect(replaceGrant(grants, 'sub_a', grant('sub_a', 'pro-monthly'))[0]!.planCode).toBe('pro-monthly');
    expect(replaceGrant(grants, 'sub_a', null).map((g) => g.subscriptionId)).toEqual(['sub_c']);
  });

  test('the same grants with their keys in another order (as a JSON column returns them) are the same', () => {
    const stored = JSON.parse('[{"status":"active","limits":{"storage_gb":10,"seats":3},"features":["api"],"planCode":"basic-monthly","subscriptionId":"sub_a"}]') as SubscriptionGrant[];
    expect(sameGrants(stored, [{ subscriptionId: 'sub_a', planCode: 'basic-monthly', status: 'active', features: ['api'], limits: { seats: 3, storage_gb: 10 } }])).toBe(true);
    expect(sameGrants(stored, [{ subscriptionId: 'sub_a', planCode: 'basic-monthly', status: 'active', features: ['api'], limits: { seats: 4, storage_gb: 10 } }])).toBe(false);
  });
});
