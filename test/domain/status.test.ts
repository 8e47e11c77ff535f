import {
  IllegalTransitionError,
  SUBSCRIPTION_STATUSES,
  canTransition,
  initialStatus,
  isTerminal,
  nextStatus,
  type LifecycleEvent,
  type SubscriptionStatus,
} from '../../domain/status';

const EVENTS: LifecycleEvent[] = [
  'trial_started',
  'awaiting_first_payment',
  'payment_succeeded',
  'payment_failed',
  'retries_exhausted_cancel',
  'retries_exhausted_unpaid',
  'first_payment_expired',
  'paused',
  'resumed',
  'canceled',
];

/** Every legal transition, written out independently of the table under test. */
const LEGAL: Array<[SubscriptionStatus, LifecycleEvent, SubscriptionStatus]> = [
  ['incomplete', 'payment_succeeded', 'active'],
  ['incomplete', 'payment_failed', 'incomplete'],
  ['incomplete', 'first_payment_expired', 'incomplete_expired'],
  ['incomplete', 'canceled', 'canceled'],
  ['trialing', 'payment_succeeded', 'active'],
  ['trialing', 'payment_failed', 'past_due'],
  ['trialing', 'canceled', 'canceled'],
  ['active', 'payment_succeeded', 'active'],
  ['active', 'payment_failed', 'past_due'],
  ['active', 'paused', 'paused'],
  ['active', 'canceled', 'canceled'],
  ['past_due', 'payment_succeeded', 'active'],
  ['past_due', 'payment_failed', 'past_due'],
  ['past_due', 'retries_exhausted_cancel', 'canceled'],
  ['past_due', 'retries_exhausted_unpaid', 'unpaid'],
  ['past_due', 'canceled', 'canceled'],
  ['paused', 'resumed', 'active'],
  ['paused', 'canceled', 'canceled'],
  ['unpaid', 'payment_succeeded', 'active'],
  ['unpaid', 'payment_failed', 'unpaid'],
  ['unpaid', 'canceled', 'canceled'],
];

const isLegal = (from: SubscriptionStatus, event: LifecycleEvent) => LEGAL.some(([f, e]) => f === from && e === event);

describe('subscription status transitions', () => {
  test('the statuses are Stripe’s eight', () => {
    expect([...SUBSCRIPTION_STATUSES].sort()).toEqual(
      ['active', 'canceled', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'].sort(),
    );
  });

  test.each(LEGAL)('%s + %s → %s', (from, event, to) => {
    expect(canTransition(from, event)).toBe(true);
    expect(nextStatus(from, event)).toBe(to);
  });

  test.each([
    ['canceled', 'resumed'],
    ['canceled', 'payment_succeeded'],
    ['incomplete_expired', 'payment_succeeded'],
    ['active', 'resumed'],
    ['active', 'retries_exhausted_cancel'],
    ['trialing', 'paused'],
    ['paused', 'payment_succeeded'],
    ['paused', 'paused'],
    ['unpaid', 'paused'],
    ['incomplete', 'paused'],
    ['past_due', 'first_payment_expired'],
  ] as Array<[SubscriptionStatus, LifecycleEvent]>)('%s + %s is illegal and throws IllegalTransitionError', (from, event) => {
    expect(canTransition(from, event)).toBe(false);
    let thrown: unknown;
    try {
      nextStatus(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    const error = thrown as IllegalTransitionError;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IllegalTransitionError');
    expect(error.from).toBe(from);
    expect(error.event).toBe(event);
    // The message names the status and the event in words.
    expect(error.message).toContain(`${from.replace(/_/g, ' ')} subscription cannot be ${event.replace(/_/g, ' ')}`);
  });

  test('every status/event pair not in the legal list throws, and canTransition agrees', () => {
    let illegal = 0;
    for (const from of SUBSCRIPTION_STATUSES) {
      for (const event of EVENTS) {
        if (isLegal(from, event)) continue;
        illegal += 1;
        expect(canTransition(from, event)).toBe(false);
        expect(() => nextStatus(from, event)).toThrow(IllegalTransitionError);
      }
    }
    expect(illegal).toBe(SUBSCRIPTION_STATUSES.length * EVENTS.length - LEGAL.length);
  });

  test('canceled and incomplete_expired are terminal; every other status has a way out', () => {
    const terminal = SUBSCRIPTION_STATUSES.filter((status) => isTerminal(status));
    expect(terminal.sort()).toEqual(['canceled', 'incomplete_expired']);
    for (const status of SUBSCRIPTION_STATUSES) {
      if (!isTerminal(status)) expect(canTransition(status, 'canceled')).toBe(true);
    }
  });

  test('a subscription starts trialing with a trial, incomplete without one, and active when imported already paid for', () => {
    expect(initialStatus('trial')).toBe('trialing');
    expect(initialStatus('new')).toBe('incomplete');
    expect(initialStatus('imported')).toBe('active');
  });

  test('IllegalTransitionError takes a custom detail message', () => {
    const error = new IllegalTransitionError('paused', 'changePlan', 'pause first');
    expect(error.message).toBe('pause first');
    expect(error.from).toBe('paused');
  });
});
