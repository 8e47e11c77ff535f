// Usage a subscription reports (seats in use, storage, events), kept as a compact summary: the
// current value and this period's peak per metric, the peaks of the last periods, and the ids of
// recent events so a retried report counts once. Everything is bounded: nothing grows with time.

export interface UsageEvent {
  metric: string;
  quantity: number;
  /** 'set' reports a level (seats in use); 'increment' adds to it (events, GB uploaded). */
  mode: 'set' | 'increment';
  /** A client's id for the event; the same id is counted once. */
  eventId?: string;
}

export interface UsageSummary {
  /** The period `peaks` belong to. */
  periodIndex: number;
  current: Record<string, number>;
  peaks: Record<string, number>;
  /** Peaks of earlier periods, newest first. */
  recent: Array<{ periodIndex: number; peaks: Record<string, number> }>;
  /** Ids of the latest events, newest last. */
  seenEventIds: string[];
}

export const MAX_RECENT_PERIODS = 12;
export const MAX_SEEN_EVENT_IDS = 64;

export function emptyUsage(periodIndex = 0): UsageSummary {
  return { periodIndex, current: {}, peaks: {}, recent: [], seenEventIds: [] };
}

/** Moves the summary to `periodIndex`: finished peaks are kept, levels carry over. */
export function rollUsage(usage: UsageSummary, periodIndex: number): UsageSummary {
  if (periodIndex <= usage.periodIndex) return usage;
  return {
    ...usage,
    periodIndex,
    peaks: { ...usage.current },
    recent: [{ periodIndex: usage.periodIndex, peaks: usage.peaks }, ...usage.recent].slice(0, MAX_RECENT_PERIODS),
  };
}

export function recordUsage(usage: UsageSummary, periodIndex: number, event: UsageEvent): UsageSummary {
  if (event.eventId && usage.seenEventIds.includes(event.eventId)) return usage;
  const rolled = rollUsage(usage, periodIndex);
  const previous = rolled.current[event.metric] ?? 0;
  const value = Math.max(0, event.mode === 'set' ? event.quantity : previous + event.quantity);
  return {
    ...rolled,
    current: { ...rolled.current, [event.metric]: value },
    peaks: { ...rolled.peaks, [event.metric]: Math.max(rolled.peaks[event.metric] ?? 0, value) },
    seenEventIds: event.eventId ? [...rolled.seenEventIds, event.eventId].slice(-MAX_SEEN_EVENT_IDS) : rolled.seenEventIds,
  };
}

/**
 * How many periods in a row, counting back from the current one, the peak of `metric` reached
 * `ratio` of `quota`. The current period counts once its peak reaches it.
 */
export function periodsAtRatio(usage: UsageSummary, metric: string, quota: number, ratio: number): number {
  if (quota <= 0) return 0;
  // peak ÷ quota, not ratio × quota: 0.55 × 100 is 55.00000000000001 in floating point.
  const reached = (peaks: Record<string, number>) => (peaks[metric] ?? 0) / quota >= ratio;
  let count = 0;
  let expected = usage.periodIndex;
  for (const period of [{ periodIndex: usage.periodIndex, peaks: usage.peaks }, ...usage.recent]) {
    if (period.periodIndex !== expected || !reached(period.peaks)) break;
    count += 1;
    expected -= 1;
  }
  return count;
}
