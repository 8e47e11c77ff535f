// Replays every run (closed continued-as-new runs too) of the workflows a scenario made against the
// bundle its workers ran. A live replay happens only where a worker lost a cached workflow at the
// right moment; replaying all of them finds a history the code would not reproduce wherever it is.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyToJSON, REPLAY_IN_A_THREAD } from '../../../simulator/history-json';
import { Worker } from '@temporalio/worker';

export interface ReplayAllOutcome {
  runs: number;
  failures: string[];
}

/** `query` selects the executions (a visibility query); `bundlePath` is the workers' bundle. */
export async function replayAllRuns(client: Client, query: string, bundlePath: string, keepDir?: string): Promise<ReplayAllOutcome> {
  const histories: Array<{ workflowId: string; runId: string; history: History }> = [];
  for await (const execution of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    histories.push({ workflowId: execution.workflowId, runId: execution.runId, history });
  }
  const failures: string[] = [];
  const byKey = new Map(histories.map((h) => [`${h.workflowId}/${h.runId}`, h]));
  const inputs = histories.map((h) => ({ workflowId: `${h.workflowId}/${h.runId}`, history: h.history }));
  const workflowBundle = { code: readFileSync(bundlePath, 'utf8') };
  for await (const result of Worker.runReplayHistories({ ...REPLAY_IN_A_THREAD, workflowBundle, replayName: 'chaos-replay-all' }, inputs)) {
    if (!result.error) continue;
    failures.push(`${result.workflowId}: ${String(result.error.message).split('\n')[0]}`.slice(0, 300));
    const failed = byKey.get(result.workflowId);
    if (failed && keepDir) writeFileSync(path.join(keepDir, `${failed.workflowId}-${failed.runId}.json`), historyToJSON(failed.history));
  }
  return { runs: histories.length, failures };
}
