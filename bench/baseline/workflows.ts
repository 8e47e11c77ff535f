// The bare baseline a renewal cycle is compared with: per cycle, one timer to the next period
// boundary, then as many no-op activities and local activities as one renewal of the real
// subscription workflow runs (measured from its history by the bench). Deterministic workflow
// code: no Node built-ins; activities are imported as a type only.
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

export interface BaselineInput {
  cycles: number;
  periodMs: number;
  activities: number;
  localActivities: number;
}

const remote = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });
const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function baselineWorkflow(input: BaselineInput): Promise<number> {
  const anchor = Date.now();
  for (let cycle = 1; cycle <= input.cycles; cycle += 1) {
    // Like the real workflow, a cycle that is already due (the worker fell behind) starts no timer.
    const wait = anchor + cycle * input.periodMs - Date.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < input.localActivities; i += 1) await local.noop();
    for (let i = 0; i < input.activities; i += 1) await remote.noop();
  }
  return input.cycles;
}
