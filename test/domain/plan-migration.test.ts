import { decideMigration, exclusionReason, migratePlan, type PlanMigrationRequest } from '../../domain/plan-migration';
import { schedulePlanChange } from '../../domain/plan-change';
import { update } from '../../domain/subscription';
import { active, FEB_29, opened, pastDue, plan } from './fixtures';

const toPro: PlanMigrationRequest = { migrationId: 'pmg_1', fromPlanCode: 'basic-monthly', plan: plan('pro-monthly') };

describe('what a subscription answers a migration', () => {
  test('an active subscription on the plan schedules the move; asking again gives the same answer', () => {
    const state = active('basic-monthly');
    expect(decideMigration(state, toPro, FEB_29)).toEqual({ outcome: 'scheduled', reason: null });
    const scheduled = schedulePlanChange(state, toPro.plan, FEB_29);
    expect(decideMigration(scheduled, toPro, FEB_29)).toEqual({ outcome: 'scheduled', reason: null });
  });

  test('a trialing subscription moves at the end of its trial', () => {
    expect(decideMigration(opened('basic-monthly', { trialDays: 14 }), toPro, FEB_29).outcome).toBe('scheduled');
  });

  test.each([
    ['ended', update(active('basic-monthly'), { status: 'canceled' }), 'the subscription has ended (canceled)'],
    ['canceling at period end', update(active('basic-monthly'), { cancelAtPeriodEnd: true }), 'the subscription cancels at period end'],
    ['no longer on the plan', active('basic-yearly'), 'the subscription is now on basic-yearly'],
    ['changing plan on its own', schedulePlanChange(active('basic-monthly'), plan('business-monthly'), FEB_29), 'a change to business-monthly is already scheduled'],
  ])('one %s is skipped, with the reason', (_what, state, reason) => {
    expect(decideMigration(state, toPro, FEB_29)).toEqual({ outcome: 'skipped', reason });
  });

  test('one the lifecycle rules refuse stays on the plan: failed, with the rule\'s reason', () => {
    expect(decideMigration(pastDue().state, toPro, FEB_29)).toEqual({ outcome: 'failed', reason: 'a subscription that is past due cannot change plan' });
    expect(decideMigration(active('basic-monthly'), { ...toPro, plan: plan('pro-monthly-nok') }, FEB_29)).toEqual({
      outcome: 'failed',
      reason: 'pro-monthly-nok is billed in NOK; this subscription is billed in EUR',
    });
  });

  test('the step schedules the move and answers the migration; a refused move changes nothing and answers why', () => {
    const state = active('basic-monthly');
    const moved = migratePlan(state, toPro, FEB_29);
    expect(moved.state.scheduledChange).toEqual({ plan: plan('pro-monthly'), requestedAt: FEB_29 });
    expect(moved.effects).toEqual([{ kind: 'migration_answer', answer: { migrationId: 'pmg_1', subscriptionId: 'sub_1', outcome: 'scheduled', reason: null, at: FEB_29 } }]);

    const { state: pastDueState } = pastDue();
    const refused = migratePlan(pastDueState, toPro, FEB_29);
    expect(refused.state).toBe(pastDueState);
    expect(refused.effects).toEqual([
      { kind: 'migration_answer', answer: { migrationId: 'pmg_1', subscriptionId: 'sub_1', outcome: 'failed', reason: 'a subscription that is past due cannot change plan', at: FEB_29 } },
    ]);
  });
});

test('the request leaves out listed ids always, grandfathered ones unless told otherwise', () => {
  const options = { excludeGrandfathered: true, excludeIds: ['sub_x'] };
  expect(exclusionReason({ id: 'sub_x', grandfathered: false }, options)).toBe('excluded by the request');
  expect(exclusionReason({ id: 'sub_y', grandfathered: true }, options)).toBe('grandfathered');
  expect(exclusionReason({ id: 'sub_y', grandfathered: true }, { ...options, excludeGrandfathered: false })).toBeNull();
  expect(exclusionReason({ id: 'sub_z', grandfathered: false }, options)).toBeNull();
});
