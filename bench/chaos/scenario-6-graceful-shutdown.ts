// Scenario 6: graceful shutdown. Two of the product's worker processes (worker/index.ts) run while
// clients keep creating subscriptions and every charge takes 2 s at the gateway; the workers are
// restarted one after the other with SIGTERM (a rolling deploy). Then the API (api/index.ts) gets
// SIGTERM while requests are in flight. In-flight work must finish before each process exits
// (nothing waits for a timeout to be retried), every request must be answered, nothing lost.
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { temporal } from '@temporalio/proto';
import { apiHeaders, eachLimited, postJson, subscriptionBody, type ApiTarget } from '../support/api';
import { seconds } from '../support/report';
import type { Service } from '../support/services';
import { intSetting } from '../support/settings';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { endAll, subscriptionIds, waitCaughtUp } from './support/subscriptions';

const { EventType, PendingActivityState } = temporal.api.enums.v1;
/** Every charge hangs this long at the gateway: a stop almost always finds one in flight. */
const SLOW_CARD = SANDBOX_TOKENS.hang(2000, 1_000_000);

interface Stopped {
  name: string;
  /** Activities the process was running when the signal came (workers only). */
  inFlight: number | null;
  code: number | null;
  signal: string | null;
  ms: number;
}

/** Activities of these subscriptions that the worker process `pid` is running now. */
async function runningOn(env: ChaosEnvironment, ids: readonly string[], pid: number): Promise<number> {
  const identity = `${pid}@${os.hostname()}`;
  let count = 0;
  await eachLimited(ids, 8, async (id) => {
    const description = await env.stack.temporal.workflow.getHandle(subscriptionWorkflowId(id)).describe();
    count += (description.raw.pendingActivities ?? []).filter(
      (activity) => activity.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && activity.lastWorkerIdentity === identity,
    ).length;
  });
  return count;
}

/** SIGTERM (or SIGKILL in the "prove it" run) and how the process ended. */
async function stop(service: Service, signal: NodeJS.Signals, inFlight: number | null = null): Promise<Stopped> {
  const started = Date.now();
  process.kill(service.pid, signal);
  const { code, signal: by } = await service.exited;
  return { name: service.name, inFlight, code, signal: by, ms: Date.now() - started };
}

/** POST /subscriptions; the status, or 0 when the connection failed without an answer. */
async function create(api: ApiTarget, id: string, plan: string): Promise<number> {
  try {
    const res = await fetch(`${api.url}/subscriptions`, { method: 'POST', headers: apiHeaders(api), body: JSON.stringify(subscriptionBody(id, plan, SLOW_CARD)) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Activities that needed more than one attempt: nothing fails here but a worker that vanished. */
async function timedOutAttempts(env: ChaosEnvironment, ids: readonly string[]): Promise<number> {
  let count = 0;
  await eachLimited(ids, 4, async (id) => {
    // Every run of the continue-as-new chain, newest first: each start event names the run before.
    let runId: string | undefined;
    do {
      const history = await env.stack.temporal.workflow.getHandle(subscriptionWorkflowId(id), runId).fetchHistory();
      const events = history.events ?? [];
      // Retries leave no event of their own: the started event of a completed activity carries its attempt.
      count += events.filter(
        (event) =>
          event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT || (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
      ).length;
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    } while (runId);
  });
  return count;
}

export async function gracefulShutdown(env: ChaosEnvironment, breakSwitch?: string): Promise<ScenarioOutcome> {
  const signal: NodeJS.Signals = breakSwitch === 'no-drain' ? 'SIGKILL' : 'SIGTERM';
  const ids = subscriptionIds('roll', intSetting('CHAOS_ROLL_SUBSCRIPTIONS', 6));
  let workers: Service[] = await Promise.all([env.startProductWorker('worker A'), env.startProductWorker('worker B')]);
  let api = await env.startApi();
  await eachLimited(ids, 3, async (id) => {
    await postJson(api, '/subscriptions', subscriptionBody(id, env.plan.code, SLOW_CARD));
  });

  // Load: clients keep subscribing (each request waits for its 2 s first charge) during the restart.
  const loadLimit = intSetting('CHAOS_ROLL_LOAD_SUBSCRIPTIONS', 12);
  const created: string[] = [];
  const answers: number[] = [];
  let loading = true;
  const load = (async () => {
    for (let n = 0; loading && n < loadLimit; n += 1) {
      const id = `roll-load-${String(n).padStart(3, '0')}`;
      const status = await create(api, id, env.plan.code);
      answers.push(status);
      if (status === 201) created.push(id);
    }
  })();
  await sleep(env.plan.periodMs);

  const stops: Stopped[] = [];
  const replacements: Service[] = [];
  for (const [index, worker] of workers.entries()) {
    stops.push(await stop(worker, signal, await runningOn(env, [...ids, ...created], worker.pid)));
    replacements.push(await env.startProductWorker(`worker ${index === 0 ? 'A' : 'B'} (restarted)`));
  }
  workers = replacements;
  await sleep(env.plan.periodMs);
  loading = false;
  await load;

  // The API: SIGTERM with requests in flight, each answered before it exits.
  const inFlightIds = subscriptionIds('roll-inflight', 3);
  const inFlight = inFlightIds.map((id) => create(api, id, env.plan.code));
  await sleep(1000);
  stops.push(await stop(api.service, signal));
  const inFlightAnswers = await Promise.all(inFlight);
  api = await env.startApi();
  // A request the stopped API never answered may still have created its subscription: the client
  // repeats it (POST /subscriptions is idempotent on the id) to learn the outcome.
  await eachLimited(inFlightIds, 3, async (id) => {
    await postJson(api, '/subscriptions', subscriptionBody(id, env.plan.code, SLOW_CARD));
  });

  const all = [...ids, ...created, ...inFlightIds];
  const behind = await waitCaughtUp(env, all);
  const ended = await endAll(env, all);
  const retried = await timedOutAttempts(env, all);
  await Promise.all([...workers.map((worker) => worker.stop()), api.service.stop()]);
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received);

  const unclean = stops.filter((s) => s.code !== 0);
  const failedAnswers = answers.filter((status) => status !== 201).length;
  const unanswered = inFlightAnswers.filter((status) => status !== 201).length;
  return outcome('6. Graceful shutdown: rolling restart of two workers, API stopped mid-request', `${stops.length} stops (${signal})`, figures, {
    rows: [
      ...stops.map(
        (s) =>
          [
            `${s.name} stopped${s.inFlight === null ? '' : ` (${s.inFlight} activities in flight)`}`,
            `${s.code === null ? `by ${s.signal}` : `exit ${s.code}`} after ${seconds(s.ms)}`,
          ] as [string, string],
      ),
      ['subscriptions created through the API during the rolling restart', `${created.length} (${failedAnswers} requests not answered 201)`],
      ['requests in flight when the API got the signal, answered 201', `${inFlightAnswers.length - unanswered} of ${inFlightAnswers.length}`],
      ['activities retried (work a stopped worker dropped)', String(retried)],
    ],
    notes: [
      `Every charge hangs 2 s at the gateway (card ${SLOW_CARD}), so a stop almost always finds charges in flight. Workers are the product's own process (worker/index.ts), each bundling its workflows at start, as in a deploy.`,
    ],
    failures: [
      ...(unclean.length > 0 ? [`${unclean.length} processes did not exit cleanly`] : []),
      ...(failedAnswers > 0 ? [`${failedAnswers} requests during the rolling restart not answered 201`] : []),
      ...(unanswered > 0 ? [`${unanswered} in-flight API requests not answered`] : []),
      ...(retried > 0 ? [`${retried} activities had to be retried`] : []),
      ...(behind.length > 0 ? [`${behind.length} subscriptions never caught up`] : []),
    ],
  });
}
