import { renewalInvoice } from '../../domain/collection';
import { decideMigration, exclusionReason, migratePlan, type PlanMigrationRequest } from '../../domain/plan-migration';
import { schedulePlanChange } from '../../domain/plan-change';
import type { PlanSnapshot } from '../../domain/plans';
import { periodEnded } from '../../domain/renewal';
import { update } from '../../domain/subscription';
import { active, emailOf, FEB_29, opened, pastDue, plan } from './fixtures';

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

describe('a migration to a newer price version of the plan itself', () => {
  const proAt = (priceVersion: number | undefined, amountCents: number): PlanSnapshot => ({ ...plan('pro-monthly'), amountCents, priceVersion });
  const onVersion = (priceVersion: number | undefined) => update(active('pro-monthly'), { plan: proAt(priceVersion, 2_900) });
  const toV2: PlanMigrationRequest = { migrationId: 'pmg_2', fromPlanCode: 'pro-monthly', plan: proAt(2, 3_400) };

  test('a subscription on an older version, or from before versions, schedules the move; asking again gives the same answer', () => {
    for (const state of [onVersion(1), onVersion(undefined)]) {
      const moved = migratePlan(state, toV2, FEB_29);
      expect(moved.state.scheduledChange).toEqual({ plan: toV2.plan, requestedAt: FEB_29 });
      expect(moved.effects).toEqual([{ kind: 'migration_answer', answer: expect.objectContaining({ outcome: 'scheduled', reason: null }) }]);
      expect(migratePlan(moved.state, toV2, FEB_29).state).toBe(moved.state);
    }
  });

  test('one on the version or a newer one stays, with the reason', () => {
    expect(decideMigration(onVersion(2), toV2, FEB_29)).toEqual({ outcome: 'skipped', reason: 'already on price version 2' });
    expect(decideMigration(onVersion(3), toV2, FEB_29)).toEqual({ outcome: 'skipped', reason: 'on price version 3, newer than price version 2' });
  });

  test('a later migration to a still newer version replaces the scheduled one', () => {
    const scheduled = migratePlan(onVersion(1), toV2, FEB_29).state;
    const toV3 = { ...toV2, migrationId: 'pmg_3', plan: proAt(3, 3_900) };
    expect(migratePlan(scheduled, toV3, FEB_29).state.scheduledChange?.plan).toEqual(toV3.plan);
  });

  test('the lifecycle rules of a plan change hold: past due fails, canceling or changing plan on its own is skipped', () => {
    const overdue = update(pastDue().state, { plan: { ...plan('basic-monthly'), priceVersion: 1 } });
    const basicV2 = { ...toV2, fromPlanCode: 'basic-monthly', plan: { ...plan('basic-monthly'), amountCents: 1_100, priceVersion: 2 } };
    expect(decideMigration(overdue, basicV2, FEB_29)).toEqual({ outcome: 'failed', reason: 'a subscription that is past due cannot change plan' });
    expect(decideMigration(update(onVersion(1), { cancelAtPeriodEnd: true }), toV2, FEB_29)).toEqual({ outcome: 'skipped', reason: 'the subscription cancels at period end' });
    expect(decideMigration(schedulePlanChange(onVersion(1), plan('business-monthly'), FEB_29), toV2, FEB_29)).toEqual({
      outcome: 'skipped',
      reason: 'a change to business-monthly is already scheduled',
    });
  });

  test('at the renewal the new price is billed and the snapshot carries the version; the email says the price changed', () => {
    const scheduled = migratePlan(onVersion(1), toV2, FEB_29).state;
    const renewed = periodEnded(scheduled);
    expect(renewed.state.plan).toEqual(toV2.plan);
    expect(renewalInvoice(renewed.state, renewed.state.currentPeriod.start).draft.amountCents).toBe(3_400);
    expect(emailOf(renewed.effects, 'plan_changed')).toMatchObject({ fromPlan: 'Pro monthly', toPlan: 'Pro monthly', amountCents: 3_400, repriced: true });
  });
});

test('the request leaves out listed ids always, grandfathered ones unless told otherwise', () => {
  const options = { excludeGrandfathered: true, excludeIds: ['sub_x'] };
  expect(exclusionReason({ id: 'sub_x', grandfathered: false }, options)).toBe('excluded by the request');
  expect(exclusionReason({ id: 'sub_y', grandfathered: true }, options)).toBe('grandfathered');
  expect(exclusionReason({ id: 'sub_y', grandfathered: true }, { ...options, excludeGrandfathered: false })).toBeNull();
  expect(exclusionReason({ id: 'sub_z', grandfathered: false }, options)).toBeNull();
});
