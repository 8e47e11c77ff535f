// Scenario 1: the worker is killed with SIGKILL in the middle of charging, again and again, and
// restarted. Kills land at three exact points of a charge (before the gateway call; after the
// gateway charged but before the payment and invoice rows are written; after they are written but
// before Temporal has the activity's result) and at random moments.
import { setTimeout as sleep } from 'node:timers/promises';
import { KILL_POINTS } from './support/faults';
import { checkBilling } from './support/checks';
import { waitUntilDead, type ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { endAll, subscribe, subscriptionIds, waitCaughtUp } from './support/subscriptions';
import { intSetting } from '../support/settings';
import { seconds } from '../support/report';

const POINTS = [...KILL_POINTS, 'random'] as const;
const randomInt = (below: number) => Math.floor(Math.random() * below);

export async function workerKill(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const trials = intSetting('CHAOS_KILL_TRIALS', 50);
  const ids = subscriptionIds('kill', intSetting('CHAOS_KILL_SUBSCRIPTIONS', 10));
  const started = Date.now();
  const setup = await env.startWorker('worker (setup)');
  await subscribe(env, ids);
  await setup.stop();

  const kills = Object.fromEntries(POINTS.map((point) => [point, 0])) as Record<(typeof POINTS)[number], number>;
  let notReached = 0;
  let next = 0;
  // Trials run in lanes: while one lane's worker restarts, the other's keeps the subscriptions moving.
  const lane = async (laneId: number) => {
    while (next < trials) {
      const trial = next++;
      const point = POINTS[trial % POINTS.length]!;
      const faults = point === 'random' ? {} : { CHAOS_KILL_AT: point, CHAOS_KILL_AFTER: String(1 + randomInt(2)) };
      const trialStarted = Date.now();
      const worker = await env.startWorker(`worker (lane ${laneId}, trial ${trial + 1}, ${point})`, faults);
      const readyMs = Date.now() - trialStarted;
      if (point === 'random') {
        await sleep(200 + randomInt(2500));
        process.kill(worker.pid, 'SIGKILL');
      }
      if (!(await waitUntilDead(worker, 30_000))) {
        // The point was not reached in time (every charge stalled): kill it there and then.
        process.kill(worker.pid, 'SIGKILL');
        await waitUntilDead(worker, 5000);
        notReached += 1;
        continue;
      }
      if (process.env.CHAOS_DEBUG) console.error(`trial ${trial + 1} ${point}: ready in ${readyMs} ms, dead after ${Date.now() - trialStarted} ms`);
      if (point === 'random' || worker.tail().includes(`chaos: SIGKILL at ${point}`)) kills[point] += 1;
      else throw new Error(`worker of trial ${trial + 1} died before reaching ${point}:\n${worker.tail()}`);
    }
  };
  await Promise.all(Array.from({ length: intSetting('CHAOS_KILL_LANES', 2) }, (_, i) => lane(i + 1)));
  const chaosMs = Date.now() - started;

  const recovery = await env.startWorker('worker (recovery)');
  const recoveryStarted = Date.now();
  const behind = await waitCaughtUp(env, ids);
  const recoveryMs = Date.now() - recoveryStarted;
  const ended = await endAll(env, ids);
  await recovery.stop();
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received, { redeliveryAllowed: true });
  const confirmed = POINTS.reduce((sum, point) => sum + kills[point], 0) + notReached;
  return outcome('1. Worker killed (SIGKILL) mid-charge, then restarted', String(confirmed), figures, {
    rows: [
      ...POINTS.map((point) => [`kills ${point}`, String(kills[point])] as [string, string]),
      ['kills where the point was not reached within 30 s', String(notReached)],
      ['subscriptions not caught up after recovery', String(behind.length)],
      ['time under kills / to catch up after', `${seconds(chaosMs)} / ${seconds(recoveryMs)}`],
    ],
    notes: [
      'Trials run in two lanes (CHAOS_KILL_LANES): two workers poll at once, each killed and restarted on its own.',
      'Each trial starts a worker that kills itself with SIGKILL at the chosen point (its Nth arrival there, N random in 1-2), or is killed from outside after a random 0.2-2.7 s; the next trial restarts it.',
      "A charge interrupted by a kill is retried by Temporal once the activity's 30 s start-to-close timeout expires, under the same idempotency key.",
      'Duplicate emails count one lifecycle event delivered as two different emails. SMTP has no idempotent submit: an email the SMTP server accepted in the moment before a SIGKILL, before Temporal recorded the hand-over, is sent again with the same Message-ID (which mail systems use to recognise a resend); such redeliveries are counted in their own row, here only.',
    ],
    failures: behind.length > 0 ? [`${behind.length} subscriptions never caught up`] : [],
  });
}
