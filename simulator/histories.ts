// The complete event history of a subscription workflow: every run of its continue-as-new chain,
// first run first, as recorded by the server. Exported histories are replayed by the test suite.
import type { WorkflowClient } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';

export interface RecordedRun {
  runId: string;
  history: History;
}

/**
 * Follows the chain from the first run (named in the latest run's start event) through each
 * run's `continuedAsNew.newExecutionRunId`, and checks it ends at the workflow's current run.
 */
export async function fetchRunChain(client: WorkflowClient, workflowId: string): Promise<RecordedRun[]> {
  const latest = await client.getHandle(workflowId).describe();
  const latestHistory = await client.getHandle(workflowId, latest.runId).fetchHistory();
  const started = latestHistory.events?.[0]?.workflowExecutionStartedEventAttributes;
  const firstRunId = started?.firstExecutionRunId;
  if (!firstRunId) throw new Error(`${workflowId}: the start event of run ${latest.runId} names no first run`);

  const runs: RecordedRun[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    if (runs.some((run) => run.runId === runId)) throw new Error(`${workflowId}: run ${runId} continues into itself`);
    const history: History = runId === latest.runId ? latestHistory : await client.getHandle(workflowId, runId).fetchHistory();
    runs.push({ runId, history });
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  const last = runs.at(-1);
  if (last?.runId !== latest.runId) {
    throw new Error(`${workflowId}: the chain from ${firstRunId} ends at ${last?.runId}, not at the current run ${latest.runId}`);
  }
  return runs;
}

/** `<scenario>-<run>.json`, the run index zero-padded so files sort in chain order. */
export function historyFileName(scenario: string, runIndex: number): string {
  return `${scenario}-${String(runIndex).padStart(2, '0')}.json`;
}

/** The scenario and run index a history file was exported from, or null for another file. */
export function parseHistoryFileName(file: string): { scenario: string; runIndex: number } | null {
  const match = /^(.+)-(\d{2,})\.json$/.exec(file);
  return match ? { scenario: match[1]!, runIndex: Number(match[2]) } : null;
}
