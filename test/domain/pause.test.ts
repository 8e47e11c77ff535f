import type { Transition } from '../../domain/effects';
import type { InvoiceDraft } from '../../domain/invoice';
import { pauseAtPeriodEnd, pauseNow, resume, schedulePause } from '../../domain/pause';
import { periodEnded } from '../../domain/renewal';
import { nextDue } from '../../domain/schedule';
import { renewalInvoice } from '../../domain/collection';
import { calendarPeriod, update } from '../../domain/subscription';
import { APR_30, FEB_29, MAR_31, T0, active, emailOf } from './fixtures';

// Basic monthly (9.00 EUR), opened and paid Jan 31 2028; calendar Jan 31 → Feb 29 → Mar 31 → Apr 30.
const FEB_10 = '2028-02-10T10:00:00.000Z'; // 19 of 29 days of the first period remain
const MAR_15 = '2028-03-15T10:00:00.000Z'; // 16 of the 31 days of Feb 29 → Mar 31 remain

const paidUp = active('basic-monthly');
const pausedOnFeb10 = pauseNow(paidUp, null, FEB_10).state;

/** The invoice a step issued. */
function issued(step: Transition): InvoiceDraft {
  const found = step.effects.flatMap((effect) => (effect.kind === 'issue_invoice' ? [effect.draft] : []));
  if (found.length !== 1) throw new Error(`expected one issued invoice, got ${found.length}`);
  return found[0]!;
}

describe('pauseNow', () => {
  test('pauses at once and credits the unused paid time (19/29 of 9.00 = 5.90)', () => {
    const { state, effects } = pauseNow(paidUp, null, FEB_10);
    expect(state).toMatchObject({ status: 'paused', pause: { startedAt: FEB_10, resumesAt: null }, pauseAtPeriodEnd: null, creditBalanceCents: 590 });
    expect(effects.map((effect) => effect.kind)).toEqual(['credit', 'email']);
    expect(emailOf(effects, 'paused')).toEqual({ template: 'paused', resumesAt: null, creditCents: 590, currency: 'EUR' });
    // The account-credit ledger gets the grant, with its cause and the balance after it.
    expect(effects[0]).toEqual({
      kind: 'credit',
      entries: [{ key: `sub_1/credit/pause/${state.version}`, amountCents: 590, cause: 'pause', invoiceNumber: null, periodIndex: 0, balanceAfterCents: 590, at: FEB_10 }],
    });
  });

  test('a pause for a number of periods resumes that many intervals after it starts', () => {
    const { state, effects } = pauseNow(paidUp, 2, FEB_10);
    expect(state.pause).toEqual({ startedAt: FEB_10, resumesAt: '2028-04-10T10:00:00.000Z' });
    expect(emailOf(effects, 'paused').resumesAt).toBe('2028-04-10T10:00:00.000Z');
    expect(nextDue(state)).toEqual({ kind: 'auto_resume', at: '2028-04-10T10:00:00.000Z' });
  });

  test('the credit adds to an existing credit balance', () => {
    expect(pauseNow(update(paidUp, { creditBalanceCents: 110 }), null, FEB_10).state.creditBalanceCents).toBe(700);
  });

  test('nothing is credited when the current period has not been paid', () => {
    const unbilled = periodEnded(paidUp).state; // period Feb 29 → Mar 31, invoice not yet issued
    expect(unbilled.currentPeriodInvoiced).toBe(false);
    const { state, effects } = pauseNow(unbilled, null, MAR_15);
    expect(state.creditBalanceCents).toBe(0);
    expect(emailOf(effects, 'paused').creditCents).toBe(0);
  });

  test('the credit is the unused share of what was paid: a 20% discount paid 7.20, so 19/29 of it (4.72) comes back', () => {
    const discounted = update(paidUp, { account: { ...paidUp.account!, paidCents: 720, rates: { plan: { paid: 720, list: 900 }, addOns: { paid: 720, list: 900 } } } });
    expect(pauseNow(discounted, null, FEB_10).state.creditBalanceCents).toBe(472);
  });

  test('nothing more comes back than what is left of the payment for the period', () => {
    const mostlyReturned = update(paidUp, { account: { ...paidUp.account!, returnedCents: 850 } });
    expect(pauseNow(mostlyReturned, null, FEB_10).state.creditBalanceCents).toBe(50);
  });

  test('a paused subscription without an end date has nothing due on its own', () => {
    expect(nextDue(pausedOnFeb10)).toBeNull();
  });
});

describe('pause at period end', () => {
  test('schedulePause only records the request; the period end then pauses without credit', () => {
    const scheduled = schedulePause(paidUp, 1);
    expect(scheduled.status).toBe('active');
    expect(scheduled.pauseAtPeriodEnd).toEqual({ periods: 1 });
    const { state, effects } = pauseAtPeriodEnd(scheduled);
    expect(state).toMatchObject({
      status: 'paused',
      pause: { startedAt: FEB_29, resumesAt: '2028-03-29T10:00:00.000Z' },
      pauseAtPeriodEnd: null,
      creditBalanceCents: 0,
    });
    expect(emailOf(effects, 'paused')).toMatchObject({ creditCents: 0, resumesAt: '2028-03-29T10:00:00.000Z' });
  });

  test('resuming before a scheduled pause starts just drops it', () => {
    const scheduled = schedulePause(paidUp, null);
    const { state, effects } = resume(scheduled, 'now', FEB_10);
    expect(state.status).toBe('active');
    expect(state.pauseAtPeriodEnd).toBeNull();
    expect(state.currentPeriod).toEqual(paidUp.currentPeriod);
    expect(effects).toEqual([]);
  });
});

describe("resume with billingAnchor 'now'", () => {
  test('starts a new full period at the resume and bills it in the same step', () => {
    const step = resume(pausedOnFeb10, 'now', MAR_15);
    expect(step.state).toMatchObject({
      status: 'active',
      pause: null,
      anchor: MAR_15,
      anchorPeriodIndex: 1,
      periodIndex: 1,
      currentPeriod: { start: MAR_15, end: '2028-04-15T10:00:00.000Z' },
      currentPeriodInvoiced: true,
      latestInvoice: { number: 'INV-sub_1-0002', status: 'open', periodIndex: 1 },
    });
    expect(step.effects.map((effect) => effect.kind)).toEqual(['email', 'issue_invoice', 'charge']);
    expect(emailOf(step.effects, 'resumed')).toEqual({ template: 'resumed', nextBillingAt: '2028-04-15T10:00:00.000Z' });
  });

  test('the resume invoice is the full price, less the credit from the pause', () => {
    const step = resume(pausedOnFeb10, 'now', MAR_15);
    const draft = issued(step);
    expect(draft.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['subscription', 900],
      ['customer_balance', -590],
    ]);
    expect(draft.period).toEqual({ start: MAR_15, end: '2028-04-15T10:00:00.000Z' });
    expect(draft.amountCents).toBe(310);
    expect(step.state.creditBalanceCents).toBe(0);
  });
});

describe("resume with billingAnchor 'keep'", () => {
  test('keeps the calendar: the current period runs to the next original boundary (Mar 31)', () => {
    const { state, effects } = resume(pausedOnFeb10, 'keep', MAR_15);
    expect(state).toMatchObject({
      status: 'active',
      pause: null,
      anchor: T0,
      periodIndex: 1,
      currentPeriod: { start: MAR_15, end: MAR_31 },
      currentPeriodInvoiced: true,
    });
    expect(calendarPeriod(state)).toEqual({ start: FEB_29, end: MAR_31 });
    expect(emailOf(effects, 'resumed').nextBillingAt).toBe(MAR_31);
  });

  test('it bills the rest of the calendar period, prorated: 16/31 of 9.00 = 4.65, paid from the credit', () => {
    const step = resume(pausedOnFeb10, 'keep', MAR_15);
    const draft = issued(step);
    const { creditBalanceCents } = step.state;
    expect(draft.lines[0]).toMatchObject({ kind: 'subscription', amountCents: 465, periodStart: MAR_15, periodEnd: MAR_31 });
    expect(draft.lines[0]!.description).toBe('Basic monthly (month), 2028-03-15 – 2028-03-31');
    expect(draft.lines[1]).toMatchObject({ kind: 'customer_balance', amountCents: -465 });
    expect(draft.amountCents).toBe(0);
    expect(creditBalanceCents).toBe(125);
    expect(draft.periodIndex).toBe(1);
  });

  test('the period after the resumed one is a full calendar period again (Mar 31 → Apr 30, 9.00)', () => {
    const { state } = resume(pausedOnFeb10, 'keep', MAR_15);
    const next = periodEnded(state).state;
    expect(next.currentPeriod).toEqual({ start: MAR_31, end: APR_30 });
    expect(renewalInvoice(update(next, { creditBalanceCents: 0 }), MAR_31).draft.amountCents).toBe(900);
  });

  test('after a pause spanning several periods, it bills the rest of the period containing the resume', () => {
    const step = resume(pausedOnFeb10, 'keep', '2028-04-15T10:00:00.000Z');
    expect(step.state.currentPeriod).toEqual({ start: '2028-04-15T10:00:00.000Z', end: APR_30 });
    expect(calendarPeriod(step.state)).toEqual({ start: MAR_31, end: APR_30 });
    // 15 of 30 days: 4.50
    expect(issued(step).subtotalCents).toBe(450);
  });

  test('resuming exactly on a boundary bills a full period', () => {
    const step = resume(pausedOnFeb10, 'keep', MAR_31);
    expect(step.state.currentPeriod).toEqual({ start: MAR_31, end: APR_30 });
    expect(issued(step).subtotalCents).toBe(900);
  });

  test('resuming within the paused period bills only what the pause credited back', () => {
    const feb20 = '2028-02-20T10:00:00.000Z';
    const step = resume(pausedOnFeb10, 'keep', feb20);
    expect(step.state.currentPeriod).toEqual({ start: feb20, end: FEB_29 });
    // 9/29 of 9.00 = 2.79, taken from the 5.90 credit
    expect(issued(step).lines[0]!.amountCents).toBe(279);
    expect(step.state.creditBalanceCents).toBe(311);
  });
});
