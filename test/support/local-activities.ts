// The local activities a history ran, in order, read from their markers (each names its activity type).
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export function localActivities(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const data = event.markerRecordedEventAttributes?.details?.['data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type] : [];
  });
}
