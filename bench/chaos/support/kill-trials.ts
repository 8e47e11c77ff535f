// Workers killed with SIGKILL in the middle of charging, again and again, and restarted (scenarios
// 1 and 7). Kills land at the three exact points of a charge (./faults.ts) and at random moments.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchResult } from '../../support/report';
import { KILL_POINTS } from './faults';
import { waitUntilDead, type ChaosEnvironment } from './environment';

export const TRIAL_POINTS = [...KILL_POINTS, 'random'] as const;
export type TrialPoint = (typeof TRIAL_POINTS)[number];

export interface KillTrials {
  kills: Record<TrialPoint, number>;
  /** Workers killed from outside because their point was not reached in 30 s (every charge stalled). */
  notReached: number;
  ms: number;
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

/** `workerEnv`: what every worker of the trials runs with besides its fault (another gateway). */
export async function runKillTrials(env: ChaosEnvironment, trials: number, lanes: number, workerEnv: NodeJS.ProcessEnv = {}): Promise<KillTrials> {
  const started = Date.now();
  const kills = Object.fromEntries(TRIAL_POINTS.map((point) => [point, 0])) as Record<TrialPoint, number>;
  let notReached = 0;
  let next = 0;
  // Trials run in lanes: while one lane's worker restarts, the other's keeps the subscriptions moving.
  const lane = async (laneId: number) => {
    while (next < trials) {
      const trial = next++;
      const point = TRIAL_POINTS[trial % TRIAL_POINTS.length]!;
      const faults = point === 'random' ? {} : { CHAOS_KILL_AT: point, CHAOS_KILL_AFTER: String(1 + randomInt(2)) };
      const trialStarted = Date.now();
      const worker = await env.startWorker(`worker (lane ${laneId}, trial ${trial + 1}, ${point})`, { ...workerEnv, ...faults });
      const readyMs = Date.now() - trialStarted;
      if (point === 'random') {
        await sleep(200 + randomInt(2500));
        process.kill(worker.pid, 'SIGKILL');
      }
      if (!(await waitUntilDead(worker, 30_000))) {
        process.kill(worker.pid, 'SIGKILL');
        await waitUntilDead(worker, 5000);
        notReached += 1;
        continue;
      }
      env.debug(`trial ${trial + 1} ${point}: ready in ${readyMs} ms, dead after ${Date.now() - trialStarted} ms`);
      if (point === 'random' || worker.tail().includes(`chaos: SIGKILL at ${point}`)) kills[point] += 1;
      else throw new Error(`worker of trial ${trial + 1} died before reaching ${point}:\n${worker.tail()}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i + 1)));
  return { kills, notReached, ms: Date.now() - started };
}

export function confirmedKills(result: KillTrials): number {
  return TRIAL_POINTS.reduce((sum, point) => sum + result.kills[point], 0) + result.notReached;
}

export function killRows(result: KillTrials): BenchResult['rows'] {
  return [
    ...TRIAL_POINTS.map((point) => [`kills ${point}`, String(result.kills[point])] as [string, string]),
    ['kills where the point was not reached within 30 s', String(result.notReached)],
  ];
}

export const KILL_NOTES = [
  'Trials run in two lanes (CHAOS_KILL_LANES): two workers poll at once, each killed and restarted on its own.',
  'Each trial starts a worker that kills itself with SIGKILL at the chosen point (its Nth arrival there, N random in 1-2), or is killed from outside after a random 0.2-2.7 s; the next trial restarts it.',
  "A charge interrupted by a kill is retried by Temporal once the activity's 30 s start-to-close timeout expires, under the same idempotency key.",
];
