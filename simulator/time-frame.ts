// Scenarios set before the simulation clock. The time-skipping server's clock starts at the real
// present and only moves forward, so a scenario that starts in the past runs a whole number of
// 400-year Gregorian cycles later and its report is read back into the scenario's own years. A
// cycle is 146,097 days, whole weeks: month lengths, leap days and weekdays repeat exactly, so the
// billing calendar gives the same periods, amounts and days. Time zones follow today's rules.
import type { Scenario } from './scenario';

const DAY_MS = 86_400_000;
/** 400 Gregorian years. */
export const CYCLE_MS = 146_097 * DAY_MS;
const CYCLE_YEARS = 400;

/** How far from the clock a scenario may start: the environment's own start takes real time too. */
const MARGIN_MS = DAY_MS;

export interface TimeFrame {
  /** 400-year cycles the scenario runs later than written; 0 when it runs as written. */
  cycles: number;
  /** The scenario as it runs. */
  scenario: Scenario;
  /** `value` with the dates of the shifted years read back into the scenario's own (strings, deeply). */
  back<T>(value: T): T;
}

const shift = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
const yearOf = (iso: string) => new Date(iso).getUTCFullYear();
/** When a usage event says the usage happened, if it says. */
const occurredAtOf = (event: Scenario['events'][number]): string[] => ('occurredAt' in event && event.occurredAt ? [event.occurredAt] : []);

/** The frame `scenario` runs in on a clock that reads `clockMs`. */
export function timeFrame(scenario: Scenario, clockMs: number): TimeFrame {
  const startMs = new Date(scenario.start).getTime();
  const cycles = startMs >= clockMs + MARGIN_MS ? 0 : Math.ceil((clockMs + MARGIN_MS - startMs) / CYCLE_MS);
  if (cycles === 0) return { cycles, scenario, back: (value) => value };
  const ms = cycles * CYCLE_MS;
  const shifted: Scenario = {
    ...scenario,
    start: shift(scenario.start, ms),
    until: shift(scenario.until, ms),
    ...(scenario.currentPeriodEnd ? { currentPeriodEnd: shift(scenario.currentPeriodEnd, ms) } : {}),
    events: scenario.events.map((event) => ({
      ...event,
      at: shift(event.at, ms),
      ...('occurredAt' in event && event.occurredAt ? { occurredAt: shift(event.occurredAt, ms) } : {}),
    })),
  };
  // Only years the run can produce are read back: a date the scenario wrote into a description stays.
  const years = {
    from: Math.min(yearOf(shifted.start) - 1, ...shifted.events.flatMap(occurredAtOf).map(yearOf)),
    to: yearOf(shifted.until) + 1,
  };
  const readBack = (text: string) =>
    text.replace(/(?<!\d)(\d{4})(?=-\d{2}-\d{2})/g, (year) => {
      const y = Number(year);
      return y >= years.from && y <= years.to ? String(y - cycles * CYCLE_YEARS).padStart(4, '0') : year;
    });
  const back = (value: unknown): unknown => {
    if (typeof value === 'string') return readBack(value);
    if (Array.isArray(value)) return value.map(back);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, back(inner)]));
    return value;
  };
  return { cycles, scenario: shifted, back: <T>(value: T) => back(value) as T };
}
