import { pauseNow, resume } from '../../domain/pause';
import { periodEnded } from '../../domain/renewal';
import { advancePeriod, reanchor } from '../../domain/subscription';
import {
  MAX_RECENT_PERIODS,
  MAX_SEEN_EVENT_IDS,
  emptyUsage,
  periodsAtRatio,
  recordUsage,
  rollUsage,
  type UsageSummary,
} from '../../domain/usage';
import { active } from './fixtures';
import { level, renewPaid } from './upsell-fixtures';

const set = (metric: string, quantity: number, eventId?: string) => ({ metric, quantity, mode: 'set' as const, ...(eventId ? { eventId } : {}) });
const add = (metric: string, quantity: number, eventId?: string) => ({ metric, quantity, mode: 'increment' as const, ...(eventId ? { eventId } : {}) });

/** A summary at `periodIndex` whose earlier periods have the given seat peaks (newest first). */
function history(periodIndex: number, current: number, earlier: Array<[number, number]>): UsageSummary {
  return {
    periodIndex,
    current: { seats: current },
    peaks: { seats: current },
    recent: earlier.map(([index, seats]) => ({ periodIndex: index, peaks: { seats } })),
    seenEventIds: [],
  };
}

describe('emptyUsage', () => {
  test('starts with nothing recorded, in period 0 unless told', () => {
    expect(emptyUsage()).toEqual({ periodIndex: 0, current: {}, peaks: {}, recent: [], seenEventIds: [] });
    expect(emptyUsage(4).periodIndex).toBe(4);
  });

  test('a new subscription starts with an empty summary', () => {
    expect(active('basic-monthly').usage).toEqual(emptyUsage(0));
  });
});

describe('recordUsage', () => {
  test('a set reports the level; the peak is the highest level of the period', () => {
    let usage = recordUsage(emptyUsage(), 0, set('seats', 3));
    expect(usage.current).toEqual({ seats: 3 });
    expect(usage.peaks).toEqual({ seats: 3 });
    usage = recordUsage(usage, 0, set('seats', 1));
    expect(usage.current).toEqual({ seats: 1 });
    expect(usage.peaks).toEqual({ seats: 3 });
    usage = recordUsage(usage, 0, set('seats', 5));
    expect(usage).toMatchObject({ current: { seats: 5 }, peaks: { seats: 5 } });
  });

  test('an increment adds to the level (from 0 for a new metric)', () => {
    let usage = recordUsage(emptyUsage(), 0, add('storage_gb', 4));
    usage = recordUsage(usage, 0, add('storage_gb', 6));
    expect(usage).toMatchObject({ current: { storage_gb: 10 }, peaks: { storage_gb: 10 } });
    usage = recordUsage(usage, 0, add('storage_gb', -7));
    expect(usage).toMatchObject({ current: { storage_gb: 3 }, peaks: { storage_gb: 10 } });
  });

  test('a level never goes below zero', () => {
    let usage = recordUsage(emptyUsage(), 0, add('seats', 2));
    usage = recordUsage(usage, 0, add('seats', -5));
    expect(usage.current.seats).toBe(0);
    expect(recordUsage(emptyUsage(), 0, set('seats', -1)).current.seats).toBe(0);
  });

  test('metrics are kept apart', () => {
    let usage = recordUsage(emptyUsage(), 0, set('seats', 3));
    usage = recordUsage(usage, 0, add('storage_gb', 8));
    expect(usage.current).toEqual({ seats: 3, storage_gb: 8 });
    expect(usage.peaks).toEqual({ seats: 3, storage_gb: 8 });
  });

  test('an event id seen before is counted once (a retried report)', () => {
    const once = recordUsage(emptyUsage(), 0, add('storage_gb', 5, 'evt-1'));
    const again = recordUsage(once, 0, add('storage_gb', 5, 'evt-1'));
    expect(again).toBe(once);
    expect(again.current.storage_gb).toBe(5);
    expect(once.seenEventIds).toEqual(['evt-1']);
  });

  test('a retried report is not counted again in a later period either', () => {
    const once = recordUsage(emptyUsage(), 0, add('storage_gb', 5, 'evt-1'));
    expect(recordUsage(once, 1, add('storage_gb', 5, 'evt-1'))).toBe(once);
  });

  test('events without an id are always counted', () => {
    const usage = [1, 2, 3].reduce((u) => recordUsage(u, 0, add('storage_gb', 2)), emptyUsage());
    expect(usage.current.storage_gb).toBe(6);
    expect(usage.seenEventIds).toEqual([]);
  });

  test(`remembers only the latest ${MAX_SEEN_EVENT_IDS} event ids, newest last`, () => {
    expect(MAX_SEEN_EVENT_IDS).toBe(64);
    let usage = emptyUsage();
    for (let i = 0; i < 70; i += 1) usage = recordUsage(usage, 0, add('storage_gb', 1, `evt-${i}`));
    expect(usage.current.storage_gb).toBe(70);
    expect(usage.seenEventIds).toHaveLength(64);
    expect(usage.seenEventIds[0]).toBe('evt-6');
    expect(usage.seenEventIds.at(-1)).toBe('evt-69');
    // A remembered id is still ignored…
    expect(recordUsage(usage, 0, add('storage_gb', 1, 'evt-6'))).toBe(usage);
    // …and one that fell out of the window counts again (the bound is the trade-off).
    expect(recordUsage(usage, 0, add('storage_gb', 1, 'evt-0')).current.storage_gb).toBe(71);
  });

  test('a report in a later period rolls the summary first: levels carry over, peaks start from them', () => {
    let usage = recordUsage(emptyUsage(), 0, set('seats', 5));
    usage = recordUsage(usage, 0, set('seats', 2));
    const next = recordUsage(usage, 1, add('storage_gb', 3));
    expect(next.periodIndex).toBe(1);
    expect(next.current).toEqual({ seats: 2, storage_gb: 3 });
    expect(next.peaks).toEqual({ seats: 2, storage_gb: 3 });
    expect(next.recent).toEqual([{ periodIndex: 0, peaks: { seats: 5 } }]);
  });

  test('does not change the summary it was given', () => {
    const usage = recordUsage(emptyUsage(), 0, set('seats', 3, 'a'));
    const before = JSON.stringify(usage);
    recordUsage(usage, 1, set('seats', 4, 'b'));
    expect(JSON.stringify(usage)).toBe(before);
  });
});

describe('rollUsage', () => {
  test('keeps the finished period’s peaks and starts the next period’s peaks at the current levels', () => {
    const usage: UsageSummary = { periodIndex: 0, current: { seats: 5, storage_gb: 40 }, peaks: { seats: 8, storage_gb: 60 }, recent: [], seenEventIds: ['x'] };
    expect(rollUsage(usage, 1)).toEqual({
      periodIndex: 1,
      current: { seats: 5, storage_gb: 40 },
      peaks: { seats: 5, storage_gb: 40 },
      recent: [{ periodIndex: 0, peaks: { seats: 8, storage_gb: 60 } }],
      seenEventIds: ['x'],
    });
  });

  test('the same or an earlier period changes nothing', () => {
    const usage = history(3, 4, [[2, 4]]);
    expect(rollUsage(usage, 3)).toBe(usage);
    expect(rollUsage(usage, 1)).toBe(usage);
  });

  test(`keeps the peaks of at most ${MAX_RECENT_PERIODS} earlier periods, newest first`, () => {
    expect(MAX_RECENT_PERIODS).toBe(12);
    let usage = emptyUsage();
    for (let i = 0; i < 15; i += 1) {
      usage = recordUsage(usage, i, set('seats', i));
    }
    usage = rollUsage(usage, 15);
    expect(usage.recent).toHaveLength(12);
    expect(usage.recent.map((r) => r.periodIndex)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(usage.recent[0]!.peaks).toEqual({ seats: 14 });
  });

  test('skipping periods leaves a gap in the recent periods', () => {
    const rolled = rollUsage(history(1, 3, []), 4);
    expect(rolled.periodIndex).toBe(4);
    expect(rolled.recent.map((r) => r.periodIndex)).toEqual([1]);
  });

  test('a new billing period rolls the subscription’s usage (advancePeriod, reanchor)', () => {
    const withSeats = level(active('basic-monthly'), 'seats', 3);
    const advanced = advancePeriod(withSeats);
    expect(advanced.usage).toMatchObject({ periodIndex: 1, peaks: { seats: 3 }, recent: [{ periodIndex: 0, peaks: { seats: 3 } }] });
    const reanchored = reanchor(withSeats, '2028-02-10T00:00:00.000Z');
    expect(reanchored.usage.periodIndex).toBe(reanchored.periodIndex);
  });

  test('the usage summary follows the subscription into every new period, whichever way it starts', () => {
    // Pause in period 1, then resume keeping the calendar: the resumed period is period 2.
    const paid = renewPaid(level(active('basic-monthly'), 'seats', 3));
    const paused = pauseNow(paid, null, '2028-03-10T10:00:00.000Z').state;
    const resumedNow = resume(paused, 'now', '2028-03-20T10:00:00.000Z').state;
    expect(resumedNow.usage.periodIndex).toBe(resumedNow.periodIndex);
    const resumedKeep = resume(paused, 'keep', '2028-03-20T10:00:00.000Z').state;
    expect(resumedKeep.periodIndex).toBe(2);
    expect(resumedKeep.usage.periodIndex).toBe(resumedKeep.periodIndex);
    // …so that the periods stay consecutive for the upsell rules.
    const renewed = periodEnded(resumedKeep).state;
    expect(periodsAtRatio(renewed.usage, 'seats', 3, 0.8)).toBe(4);
  });
});

describe('periodsAtRatio', () => {
  test('counts the current period once its peak reaches the ratio of the quota', () => {
    expect(periodsAtRatio(history(0, 8, []), 'seats', 10, 0.8)).toBe(1);
    expect(periodsAtRatio(history(0, 7, []), 'seats', 10, 0.8)).toBe(0);
  });

  test('counts consecutive periods backwards from the current one', () => {
    expect(periodsAtRatio(history(3, 9, [[2, 8], [1, 10], [0, 12]]), 'seats', 10, 0.8)).toBe(4);
  });

  test('stops at the first period below the ratio', () => {
    expect(periodsAtRatio(history(3, 9, [[2, 8], [1, 5], [0, 12]]), 'seats', 10, 0.8)).toBe(2);
  });

  test('is 0 when the current period is below the ratio, whatever came before', () => {
    expect(periodsAtRatio(history(3, 2, [[2, 9], [1, 9]]), 'seats', 10, 0.8)).toBe(0);
  });

  test('stops at a gap in the periods', () => {
    expect(periodsAtRatio(history(3, 9, [[1, 9], [0, 9]]), 'seats', 10, 0.8)).toBe(1);
    expect(periodsAtRatio(history(3, 9, [[2, 9], [0, 9]]), 'seats', 10, 0.8)).toBe(2);
  });

  test('compares with a fractional threshold: 80% of 3 seats is 2.4, so 3 reach it and 2 do not', () => {
    expect(periodsAtRatio(history(1, 3, [[0, 3]]), 'seats', 3, 0.8)).toBe(2);
    expect(periodsAtRatio(history(1, 2, [[0, 3]]), 'seats', 3, 0.8)).toBe(0);
  });

  test('a metric never reported has not reached anything', () => {
    expect(periodsAtRatio(history(1, 9, [[0, 9]]), 'storage_gb', 10, 0.8)).toBe(0);
  });

  test('a quota of 0 is never reached', () => {
    expect(periodsAtRatio(history(1, 9, [[0, 9]]), 'seats', 0, 0.8)).toBe(0);
  });

  test('a ratio above 1 asks for usage above the quota', () => {
    expect(periodsAtRatio(history(1, 15, [[0, 14]]), 'seats', 10, 1.5)).toBe(1);
  });

  test('a peak exactly at the ratio counts even when ratio × quota is inexact in floating point', () => {
    // 0.55 × 100 = 55.00000000000001 in binary floating point; a peak of 55 is 55% of 100.
    expect(periodsAtRatio({ ...emptyUsage(0), peaks: { storage_gb: 55 } }, 'storage_gb', 100, 0.55)).toBe(1);
    // 0.07 × 100 = 7.000000000000001
    expect(periodsAtRatio({ ...emptyUsage(0), peaks: { seats: 7 } }, 'seats', 100, 0.07)).toBe(1);
  });
});
