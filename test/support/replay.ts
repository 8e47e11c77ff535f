// Recorded workflow histories (exported by `npm run histories:export`) and replaying them against a
// workflows bundle. Replay runs in-process on the SDK's replay worker: no Temporal server.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { DeterminismViolationError } from '@temporalio/workflow';
import type { ReplayError, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../simulator/environment';
import { historyFromJSON, REPLAY_IN_A_THREAD } from '../../simulator/history-json';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
export const SCENARIOS_DIR = path.join(HISTORIES_DIR, 'scenarios');

export interface RecordedHistory {
  file: string;
  history: History;
}

/** Every test/histories/*.json, in file-name order; a file that is not a history throws, named. */
export function recordedHistories(): RecordedHistory[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      try {
        return { file, history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))) };
      } catch (error) {
        throw new Error(`test/histories/${file}: ${(error as Error).message}`);
      }
    });
}

export type ReplayOutcome = ReplayError | DeterminismViolationError | undefined;

/** Replays each history on one replay worker; the outcome per file (undefined: replayed cleanly). */
export async function replay(bundle: WorkflowBundleWithSourceMap, histories: RecordedHistory[]): Promise<Map<string, ReplayOutcome>> {
  installQuietRuntime();
  const outcomes = new Map<string, ReplayOutcome>();
  // The file name stands in for the workflow id, so a failure names the history it came from.
  const inputs = histories.map(({ file, history }) => ({ workflowId: file, history }));
  for await (const result of Worker.runReplayHistories({ ...REPLAY_IN_A_THREAD, workflowBundle: bundle, replayName: 'recorded-histories' }, inputs)) {
    outcomes.set(result.workflowId, result.error);
  }
  return outcomes;
}
