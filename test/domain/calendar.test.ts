import { addMonthsClamped, billingPeriod, periodBoundary, periodIndexAt } from '../../domain/calendar';

const monthly = { unit: 'month', count: 1 } as const;
const yearly = { unit: 'year', count: 1 } as const;

describe('billing calendar', () => {
  test('a month-end anchor clamps to short months and recovers: Jan 31 → Feb 29 2028 → Mar 31 → Apr 30', () => {
    const anchor = '2028-01-31T10:00:00.000Z';
    expect([0, 1, 2, 3].map((i) => periodBoundary(anchor, monthly, i).toISOString())).toEqual([
      '2028-01-31T10:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
      '2028-03-31T10:00:00.000Z',
      '2028-04-30T10:00:00.000Z',
    ]);
  });

  test('in a non-leap year the 31st bills on Feb 28', () => {
    expect(periodBoundary('2027-01-31T00:00:00Z', monthly, 1).toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });

  test('a yearly anchor on Feb 29 renews on Feb 28, and on Feb 29 again in the next leap year', () => {
    const anchor = '2028-02-29T12:00:00Z';
    expect(periodBoundary(anchor, yearly, 1).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(periodBoundary(anchor, yearly, 4).toISOString()).toBe('2032-02-29T12:00:00.000Z');
  });

  test('periods are contiguous: each ends where the next starts', () => {
    const anchor = '2028-01-31T10:00:00Z';
    for (let i = 0; i < 24; i += 1) {
      expect(billingPeriod(anchor, monthly, i).end).toBe(billingPeriod(anchor, monthly, i + 1).start);
    }
  });

  test('quarterly, weekly and daily intervals count from the anchor', () => {
    expect(periodBoundary('2028-11-30T00:00:00Z', { unit: 'month', count: 3 }, 1).toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(periodBoundary('2028-01-01T00:00:00Z', { unit: 'week', count: 2 }, 3).toISOString()).toBe('2028-02-12T00:00:00.000Z');
    expect(periodBoundary('2028-01-01T00:00:00Z', { unit: 'day', count: 1 }, 366).toISOString()).toBe('2029-01-01T00:00:00.000Z');
  });

  test('in a time zone, renewals keep the local wall-clock time across daylight saving changes', () => {
    // 00:30 in Oslo on Jan 31 (CET, UTC+1); DST starts Mar 26 2028.
    const anchor = '2028-01-30T23:30:00Z';
    expect(periodBoundary(anchor, monthly, 1, 'Europe/Oslo').toISOString()).toBe('2028-02-28T23:30:00.000Z'); // Feb 29 00:30 CET
    expect(periodBoundary(anchor, monthly, 2, 'Europe/Oslo').toISOString()).toBe('2028-03-30T22:30:00.000Z'); // Mar 31 00:30 CEST
    // In UTC the same anchor is the 30th, so it would renew on Feb 29 23:30 UTC instead.
    expect(periodBoundary(anchor, monthly, 1).toISOString()).toBe('2028-02-29T23:30:00.000Z');
  });

  test('a local time skipped by the DST jump moves forward; a repeated one takes its first occurrence', () => {
    // 02:30 does not exist in Oslo on 2028-03-26; it becomes 03:30 CEST (01:30 UTC).
    expect(addMonthsClamped(new Date('2028-02-26T01:30:00Z'), 1, 'Europe/Oslo').toISOString()).toBe('2028-03-26T01:30:00.000Z');
    // 02:30 happens twice on 2028-10-29; the first is 02:30 CEST (00:30 UTC).
    expect(addMonthsClamped(new Date('2028-09-29T00:30:00Z'), 1, 'Europe/Oslo').toISOString()).toBe('2028-10-29T00:30:00.000Z');
  });

  test('periodIndexAt finds the period containing an instant', () => {
    const anchor = '2028-01-31T10:00:00Z';
    expect(periodIndexAt(anchor, monthly, '2028-01-31T09:59:59Z')).toBe(-1);
    expect(periodIndexAt(anchor, monthly, '2028-01-31T10:00:00Z')).toBe(0);
    expect(periodIndexAt(anchor, monthly, '2028-02-29T09:59:59Z')).toBe(0);
    expect(periodIndexAt(anchor, monthly, '2028-02-29T10:00:00Z')).toBe(1);
    expect(periodIndexAt(anchor, monthly, '2031-07-15T00:00:00Z')).toBe(41);
  });
});

describe('second-long periods (benchmark and chaos plans)', () => {
  const anchor = '2026-01-01T00:00:00.000Z';
  const interval = { unit: 'second', count: 2 } as const;

  test('period boundaries step by whole seconds from the anchor', () => {
    expect(billingPeriod(anchor, interval, 3)).toEqual({ start: '2026-01-01T00:00:06.000Z', end: '2026-01-01T00:00:08.000Z' });
  });

  test('the period containing an instant is found without drifting', () => {
    expect(periodIndexAt(anchor, interval, '2026-01-01T01:00:01.500Z')).toBe(1800);
    expect(periodIndexAt(anchor, interval, '2026-01-01T00:00:02.000Z')).toBe(1);
  });
});
