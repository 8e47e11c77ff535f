import { renewalInvoice } from '../../domain/collection';
import { importedPeriod, importPeriodProblem } from '../../domain/import';
import { quotePlanChange } from '../../domain/plan-change';
import { periodEnded } from '../../domain/renewal';
import { nextDue } from '../../domain/schedule';
import { openSubscription } from '../../domain/subscription';
import { MAR_31, T0, plan, start } from './fixtures';

const NOW = new Date(T0); // 2028-01-31T10:00Z

const imported = (currentPeriodEnd: string, planCode = 'pro-monthly', timeZone?: string) =>
  openSubscription({ ...start(planCode, timeZone ? { timeZone } : {}), currentPeriodEnd }, NOW);

describe('importing a subscription paid elsewhere until currentPeriodEnd', () => {
  test('opens active, with the full paid period as its current one and nothing to bill', () => {
    const state = imported('2028-02-15T00:00:00.000Z');
    expect(state).toMatchObject({
      status: 'active',
      trialEnd: null,
      currentPeriod: { start: '2028-01-15T00:00:00.000Z', end: '2028-02-15T00:00:00.000Z' },
      currentPeriodInvoiced: true,
      invoiceCount: 0,
      latestInvoice: null,
    });
    expect(nextDue(state)).toEqual({ kind: 'period_end', at: '2028-02-15T00:00:00.000Z' });
  });

  test('renews when the paid period ends, billing the next calendar period in full', () => {
    const renewed = periodEnded(imported('2028-02-15T00:00:00.000Z')).state;
    expect(renewed.currentPeriod).toEqual({ start: '2028-02-15T00:00:00.000Z', end: '2028-03-15T00:00:00.000Z' });
    expect(nextDue(renewed)).toEqual({ kind: 'bill', at: '2028-02-15T00:00:00.000Z' });
    const { draft } = renewalInvoice(renewed, renewed.currentPeriod.start);
    expect(draft.amountCents).toBe(2900);
    expect(draft.lines).toEqual([expect.objectContaining({ kind: 'subscription', amountCents: 2900, periodStart: '2028-02-15T00:00:00.000Z' })]);
  });

  test('a month-end date anchors the calendar on the last day of each month', () => {
    const state = imported(MAR_31.replace('10:00:00', '00:00:00'));
    expect(state.currentPeriod).toEqual({ start: '2028-02-29T00:00:00.000Z', end: '2028-03-31T00:00:00.000Z' });
    const april = periodEnded(state).state;
    expect(april.currentPeriod).toEqual({ start: '2028-03-31T00:00:00.000Z', end: '2028-04-30T00:00:00.000Z' });
    expect(periodEnded({ ...april, currentPeriodInvoiced: true }).state.currentPeriod.end).toBe('2028-05-31T00:00:00.000Z');
  });

  test('the paid period follows the calendar of the time zone', () => {
    expect(importedPeriod(plan('pro-monthly'), '2028-03-31T22:00:00.000Z', 'Europe/Oslo')).toEqual({
      start: '2028-02-29T23:00:00.000Z',
      end: '2028-03-31T22:00:00.000Z',
    });
  });

  test('an upgrade during the imported period credits its unused time: the customer paid for it', () => {
    const state = imported('2028-02-15T00:00:00.000Z');
    const quote = quotePlanChange(state, { plan: plan('business-monthly'), when: 'now' }, '2028-01-31T00:00:00.000Z');
    const credit = quote.invoice?.draft.lines.find((line) => line.kind === 'proration_credit');
    // 15 of the period's 31 days are left.
    expect(credit?.amountCents).toBe(-Math.round((2900 * 15) / 31));
  });

  test('an ended period, or one that has not begun, cannot be imported', () => {
    const pro = plan('pro-monthly');
    expect(importPeriodProblem(pro, '2028-02-15T00:00:00.000Z', NOW)).toBeNull();
    expect(importPeriodProblem(pro, T0, NOW)).toMatch(/must be in the future/);
    expect(importPeriodProblem(pro, '2028-03-15T00:00:00.000Z', NOW)).toMatch(/at most one billing interval \(month\).*from 2028-02-15/);
    expect(importPeriodProblem(plan('pro-yearly'), '2028-12-01T00:00:00.000Z', NOW)).toBeNull();
  });

  test('an import has no trial, even on a plan that has one', () => {
    const state = openSubscription({ ...start('business-monthly', { trialDays: 14 }), currentPeriodEnd: '2028-02-15T00:00:00.000Z' }, NOW);
    expect(state).toMatchObject({ status: 'active', trialEnd: null });
  });
});
