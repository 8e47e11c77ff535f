import {
  DEFAULT_DUNNING_POLICY,
  afterFailedAttempt,
  dunningDueAt,
  isFinalRetryNext,
  scheduledRetryTimes,
  type DunningPolicy,
  type DunningState,
  type FailedAttempt,
} from '../../domain/dunning';
import type { DeclineType } from '../../domain/payments';
import { plusMs } from './fixtures';

// The renewal fails on Feb 29 2028; the default schedule retries at +3, +8, +15 and +21 days.
const STARTED = '2028-02-29T10:00:00.000Z';
const RETRY_1 = '2028-03-03T10:00:00.000Z';
const RETRY_2 = '2028-03-08T10:00:00.000Z';
const RETRY_3 = '2028-03-15T10:00:00.000Z';
const RETRY_4 = '2028-03-21T10:00:00.000Z';
const INVOICE = 'INV-sub_1-0002';

const policy: DunningPolicy = DEFAULT_DUNNING_POLICY;

function failure(at: string, declineType: DeclineType = 'soft'): FailedAttempt {
  return { invoiceNumber: INVOICE, at, declineCode: declineType === 'soft' ? 'insufficient_funds' : 'stolen_card', declineType };
}

/** Fails at each instant in turn, feeding each outcome into the next; returns every outcome. */
function failAt(p: DunningPolicy, attempts: Array<[string, DeclineType]>) {
  const outcomes = [];
  let previous: DunningState | null = null;
  for (const [at, type] of attempts) {
    const outcome = afterFailedAttempt(p, previous, failure(at, type));
    outcomes.push(outcome);
    previous = outcome.dunning;
  }
  return outcomes;
}

describe('scheduledRetryTimes', () => {
  test('the default policy retries 3, 8, 15 and 21 days after the first failure (delays add up)', () => {
    expect(policy.retryDelaysDays).toEqual([3, 5, 7, 6]);
    expect(scheduledRetryTimes(policy, STARTED)).toEqual([RETRY_1, RETRY_2, RETRY_3, RETRY_4]);
  });

  test('retry times keep the time of day of the failure, to the millisecond', () => {
    expect(scheduledRetryTimes({ retryDelaysDays: [1, 1], finalAction: 'cancel' }, '2028-12-31T23:59:59.123Z')).toEqual([
      '2029-01-01T23:59:59.123Z',
      '2029-01-02T23:59:59.123Z',
    ]);
  });

  test('an empty schedule has no retries', () => {
    expect(scheduledRetryTimes({ retryDelaysDays: [], finalAction: 'cancel' }, STARTED)).toEqual([]);
  });
});

describe('afterFailedAttempt: soft declines', () => {
  test('the first soft decline starts dunning and schedules the first retry, with the deadline at the last retry', () => {
    expect(afterFailedAttempt(policy, null, failure(STARTED))).toEqual({
      kind: 'retry_scheduled',
      dunning: {
        invoiceNumber: INVOICE,
        startedAt: STARTED,
        attempts: 1,
        lastAttemptAt: STARTED,
        lastDeclineCode: 'insufficient_funds',
        lastDeclineType: 'soft',
        nextRetryAt: RETRY_1,
        deadline: RETRY_4,
      },
    });
  });

  test('each failed scheduled retry moves to the next slot, counting attempts from the original charge', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'soft'],
      [RETRY_1, 'soft'],
      [RETRY_2, 'soft'],
      [RETRY_3, 'soft'],
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['retry_scheduled', 'retry_scheduled', 'retry_scheduled', 'retry_scheduled']);
    expect(outcomes.map((o) => o.dunning.nextRetryAt)).toEqual([RETRY_1, RETRY_2, RETRY_3, RETRY_4]);
    expect(outcomes.map((o) => o.dunning.attempts)).toEqual([1, 2, 3, 4]);
    expect(outcomes.map((o) => o.dunning.lastAttemptAt)).toEqual([STARTED, RETRY_1, RETRY_2, RETRY_3]);
    // The schedule stays anchored at the first failure.
    expect(new Set(outcomes.map((o) => o.dunning.startedAt))).toEqual(new Set([STARTED]));
    expect(new Set(outcomes.map((o) => o.dunning.deadline))).toEqual(new Set([RETRY_4]));
  });

  test('a failure on the last scheduled retry exhausts dunning (5 attempts: the charge and 4 retries)', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'soft'],
      [RETRY_1, 'soft'],
      [RETRY_2, 'soft'],
      [RETRY_3, 'soft'],
      [RETRY_4, 'soft'],
    ]);
    const last = outcomes.at(-1)!;
    expect(last.kind).toBe('exhausted');
    expect(last.dunning).toMatchObject({ attempts: 5, nextRetryAt: null, lastAttemptAt: RETRY_4, deadline: RETRY_4 });
  });

  test('a retry that runs a little late still waits for the next slot rather than retrying at once', () => {
    const first = afterFailedAttempt(policy, null, failure(STARTED)).dunning;
    const late = afterFailedAttempt(policy, first, failure(plusMs(RETRY_1, 5 * 60_000)));
    expect(late).toMatchObject({ kind: 'retry_scheduled', dunning: { nextRetryAt: RETRY_2 } });
  });

  test('a soft decline after the deadline (a late attempt) is exhausted, not rescheduled', () => {
    const first = afterFailedAttempt(policy, null, failure(STARTED)).dunning;
    expect(afterFailedAttempt(policy, first, failure(plusMs(RETRY_4, 1))).kind).toBe('exhausted');
  });
});

describe('afterFailedAttempt: extra retries after a payment-method update', () => {
  test('an extra retry between slots keeps the upcoming scheduled retry instead of consuming it', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'soft'],
      ['2028-03-01T12:00:00.000Z', 'soft'], // customer updates the card; the immediate retry fails too
      [RETRY_1, 'soft'],
    ]);
    expect(outcomes[1]).toMatchObject({ kind: 'retry_scheduled', dunning: { attempts: 2, nextRetryAt: RETRY_1 } });
    expect(outcomes[2]).toMatchObject({ kind: 'retry_scheduled', dunning: { attempts: 3, nextRetryAt: RETRY_2 } });
  });

  test('with two extra retries, all four scheduled retries still run: exhaustion only after the last slot (7 attempts)', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'soft'],
      ['2028-03-01T12:00:00.000Z', 'soft'], // extra
      [RETRY_1, 'soft'],
      [RETRY_2, 'soft'],
      ['2028-03-10T08:00:00.000Z', 'soft'], // extra
      [RETRY_3, 'soft'],
      [RETRY_4, 'soft'],
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual([
      'retry_scheduled',
      'retry_scheduled',
      'retry_scheduled',
      'retry_scheduled',
      'retry_scheduled',
      'retry_scheduled',
      'exhausted',
    ]);
    expect(outcomes.map((o) => o.dunning.nextRetryAt)).toEqual([RETRY_1, RETRY_1, RETRY_2, RETRY_3, RETRY_3, RETRY_4, null]);
    expect(outcomes.at(-1)!.dunning.attempts).toBe(7);
  });

  test('a card update after a hard decline retries at once, and a soft decline then resumes the schedule at the next slot', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'hard'],
      ['2028-03-10T08:00:00.000Z', 'soft'],
    ]);
    expect(outcomes[0]).toMatchObject({ kind: 'awaiting_payment_method', dunning: { nextRetryAt: null } });
    expect(outcomes[1]).toMatchObject({
      kind: 'retry_scheduled',
      dunning: { attempts: 2, startedAt: STARTED, nextRetryAt: RETRY_3, deadline: RETRY_4, lastDeclineType: 'soft' },
    });
  });
});

describe('afterFailedAttempt: hard declines', () => {
  test('a hard decline is not retried: it waits for a new payment method until the deadline', () => {
    const outcome = afterFailedAttempt(policy, null, failure(STARTED, 'hard'));
    expect(outcome).toEqual({
      kind: 'awaiting_payment_method',
      dunning: {
        invoiceNumber: INVOICE,
        startedAt: STARTED,
        attempts: 1,
        lastAttemptAt: STARTED,
        lastDeclineCode: 'stolen_card',
        lastDeclineType: 'hard',
        nextRetryAt: null,
        deadline: RETRY_4,
      },
    });
    expect(dunningDueAt(outcome.dunning)).toEqual({ at: RETRY_4, kind: 'deadline' });
  });

  test('a hard decline on a scheduled retry cancels the remaining retries but keeps the original deadline', () => {
    const outcomes = failAt(policy, [
      [STARTED, 'soft'],
      [RETRY_1, 'hard'],
    ]);
    expect(outcomes[1]).toMatchObject({
      kind: 'awaiting_payment_method',
      dunning: { attempts: 2, nextRetryAt: null, deadline: RETRY_4, lastDeclineType: 'hard', lastDeclineCode: 'stolen_card' },
    });
  });

  test('a hard decline one millisecond before the deadline still waits; at the deadline it is exhausted', () => {
    const first = afterFailedAttempt(policy, null, failure(STARTED)).dunning;
    expect(afterFailedAttempt(policy, first, failure(plusMs(RETRY_4, -1), 'hard')).kind).toBe('awaiting_payment_method');
    const atDeadline = afterFailedAttempt(policy, first, failure(RETRY_4, 'hard'));
    expect(atDeadline.kind).toBe('exhausted');
    expect(atDeadline.dunning.nextRetryAt).toBeNull();
  });
});

describe('isFinalRetryNext', () => {
  test('is true only when the next retry is the last scheduled one', () => {
    expect(isFinalRetryNext(policy, { startedAt: STARTED, nextRetryAt: RETRY_1 })).toBe(false);
    expect(isFinalRetryNext(policy, { startedAt: STARTED, nextRetryAt: RETRY_2 })).toBe(false);
    expect(isFinalRetryNext(policy, { startedAt: STARTED, nextRetryAt: RETRY_3 })).toBe(false);
    expect(isFinalRetryNext(policy, { startedAt: STARTED, nextRetryAt: RETRY_4 })).toBe(true);
  });

  test('is false while waiting for a payment method (no retry scheduled)', () => {
    expect(isFinalRetryNext(policy, { startedAt: STARTED, nextRetryAt: null })).toBe(false);
  });

  test('with a single retry, the first failure already announces the final attempt', () => {
    const single: DunningPolicy = { retryDelaysDays: [5], finalAction: 'unpaid' };
    const { dunning } = afterFailedAttempt(single, null, failure(STARTED));
    expect(dunning.nextRetryAt).toBe('2028-03-05T10:00:00.000Z');
    expect(isFinalRetryNext(single, dunning)).toBe(true);
  });

  test('is false for an empty schedule', () => {
    expect(isFinalRetryNext({ retryDelaysDays: [], finalAction: 'cancel' }, { startedAt: STARTED, nextRetryAt: STARTED })).toBe(false);
  });
});

describe('an empty retry schedule', () => {
  const none: DunningPolicy = { retryDelaysDays: [], finalAction: 'cancel' };

  test('a soft decline is exhausted at once, with the deadline at the failure', () => {
    const outcome = afterFailedAttempt(none, null, failure(STARTED));
    expect(outcome.kind).toBe('exhausted');
    expect(outcome.dunning).toMatchObject({ attempts: 1, nextRetryAt: null, deadline: STARTED, startedAt: STARTED });
  });

  test('a hard decline is exhausted at once', () => {
    expect(afterFailedAttempt(none, null, failure(STARTED, 'hard')).kind).toBe('exhausted');
  });
});

describe('dunningDueAt', () => {
  test('points at the next retry while one is scheduled', () => {
    const { dunning } = afterFailedAttempt(policy, null, failure(STARTED));
    expect(dunningDueAt(dunning)).toEqual({ at: RETRY_1, kind: 'retry' });
  });
});
