// Billing calendar: where each billing period starts and ends.
//
// Every boundary is computed from the anchor, never from the previous boundary, so a month-end
// anchor recovers after a short month (Jan 31 → Feb 29 → Mar 31) instead of drifting to the 29th.
// Calendar fields are read in the subscription's time zone (default UTC): a customer in Oslo who
// subscribed at 00:30 on the 31st renews at 00:30 local time, across daylight-saving changes.

// 'second' exists for benchmark and chaos plans, whose periods last seconds of real time.
export type IntervalUnit = 'second' | 'day' | 'week' | 'month' | 'year';

export interface BillingInterval {
  unit: IntervalUnit;
  count: number;
}

export interface Period {
  /** Inclusive start, ISO-8601 UTC. */
  start: string;
  /** Exclusive end, ISO-8601 UTC. */
  end: string;
}

const DAY_MS = 86_400_000;

interface LocalDateTime {
  year: number;
  /** 0-11 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters: Record<string, Intl.DateTimeFormat> = {};

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  formatters[timeZone] ??= new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return formatters[timeZone];
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function toLocal(instant: Date, timeZone: string): LocalDateTime {
  if (timeZone === 'UTC') {
    return {
      year: instant.getUTCFullYear(),
      month: instant.getUTCMonth(),
      day: instant.getUTCDate(),
      hour: instant.getUTCHours(),
      minute: instant.getUTCMinutes(),
      second: instant.getUTCSeconds(),
      millisecond: instant.getUTCMilliseconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: (parts.month ?? 1) - 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: instant.getUTCMilliseconds(),
  };
}

function localAsUtcMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month, local.day, local.hour, local.minute, local.second, local.millisecond);
}

function offsetMs(instantMs: number, timeZone: string): number {
  return localAsUtcMs(toLocal(new Date(instantMs), timeZone)) - instantMs;
}

/**
 * The instant at which clocks in `timeZone` show `local`. Of a time shown twice (clocks set back)
 * the first; a time skipped (clocks set forward) moves forward by the jump.
 */
function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = localAsUtcMs(local);
  if (timeZone === 'UTC') return new Date(wall);
  const withOffsetBefore = wall - offsetMs(wall - DAY_MS, timeZone);
  const withOffsetAfter = wall - offsetMs(wall + DAY_MS, timeZone);
  const matching = [withOffsetBefore, withOffsetAfter].filter(
    (ms) => localAsUtcMs(toLocal(new Date(ms), timeZone)) === wall,
  );
  return new Date(matching.length > 0 ? Math.min(...matching) : withOffsetBefore);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The anchor moved by whole months, keeping its day of month or the last day of a shorter month. */
export function addMonthsClamped(anchor: Date, months: number, timeZone = 'UTC'): Date {
  const local = toLocal(anchor, timeZone);
  const monthIndex = local.month + months;
  const year = local.year + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(local.day, daysInMonth(year, month));
  return fromLocal({ ...local, year, month, day }, timeZone);
}

function addDays(anchor: Date, days: number, timeZone: string): Date {
  const local = toLocal(anchor, timeZone);
  const shifted = new Date(Date.UTC(local.year, local.month, local.day + days));
  return fromLocal(
    { ...local, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth(), day: shifted.getUTCDate() },
    timeZone,
  );
}

/** Start of billing period `index` (0 = the period that starts at the anchor). */
export function periodBoundary(anchor: Date | string, interval: BillingInterval, index: number, timeZone = 'UTC'): Date {
  const from = new Date(anchor);
  const steps = index * interval.count;
  switch (interval.unit) {
    case 'second':
      return new Date(from.getTime() + steps * 1000);
    case 'day':
      return addDays(from, steps, timeZone);
    case 'week':
      return addDays(from, steps * 7, timeZone);
    case 'month':
      return addMonthsClamped(from, steps, timeZone);
    case 'year':
      return addMonthsClamped(from, steps * 12, timeZone);
  }
}

export function billingPeriod(anchor: Date | string, interval: BillingInterval, index: number, timeZone = 'UTC'): Period {
  return {
    start: periodBoundary(anchor, interval, index, timeZone).toISOString(),
    end: periodBoundary(anchor, interval, index + 1, timeZone).toISOString(),
  };
}

/** Index of the period that contains `instant` (instants before the anchor belong to no period: -1). */
export function periodIndexAt(anchor: Date | string, interval: BillingInterval, instant: Date | string, timeZone = 'UTC'): number {
  const at = new Date(instant).getTime();
  const start = new Date(anchor).getTime();
  if (at < start) return -1;
  const approximateLength = { second: 1 / 86_400, day: 1, week: 7, month: 28, year: 365 }[interval.unit] * interval.count * DAY_MS;
  let index = Math.max(0, Math.floor((at - start) / approximateLength) - 1);
  while (periodBoundary(anchor, interval, index + 1, timeZone).getTime() <= at) index += 1;
  while (index > 0 && periodBoundary(anchor, interval, index, timeZone).getTime() > at) index -= 1;
  return index;
}

export function describeInterval(interval: BillingInterval): string {
  return interval.count === 1 ? interval.unit : `${interval.count} ${interval.unit}s`;
}
