// Reading workflow histories: the shape of a run or of a stretch of one (events, activities,
// local activities, timers, encoded size).
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

type IHistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;
// The marker the SDK records for each completed local activity.
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface HistoryShape {
  events: number;
  activities: number;
  localActivities: number;
  timers: number;
  /** chargeInvoice activities: one per billing period, more when a payment is retried. */
  charges: number;
  /** Encoded (protobuf) size, what the server stores and sends to workers. */
  bytes: number;
}

const isCharge = (event: IHistoryEvent) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'chargeInvoice';

export function shapeOf(events: readonly IHistoryEvent[]): HistoryShape {
  return {
    events: events.length,
    activities: events.filter((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length,
    localActivities: events.filter((event) => event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER).length,
    timers: events.filter((event) => event.eventType === EventType.EVENT_TYPE_TIMER_STARTED).length,
    charges: events.filter(isCharge).length,
    bytes: temporal.api.history.v1.History.encode({ events: [...events] }).finish().length,
  };
}

/**
 * The runs of a continue-as-new chain cut at each charge instead of at run boundaries: with
 * second-long periods a run can bill several periods, or none. When every charge succeeds, each
 * stretch from one charge to the next is one billing period. The stretch before the first charge
 * (opening), the first period (welcome email) and the last, unfinished one are left out.
 */
export function periodsBetweenCharges(runs: readonly History[]): HistoryShape[] {
  const events = runs.flatMap((run) => run.events ?? []);
  const charges = events.flatMap((event, index) => (isCharge(event) ? [index] : []));
  return charges.slice(1, -1).map((start, i) => shapeOf(events.slice(start, charges[i + 2])));
}

/** The value seen most often (ties: the smallest): the typical shape of many periods. */
export function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
