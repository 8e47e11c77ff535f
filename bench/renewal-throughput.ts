// Renewal throughput with one worker on the dev server: N subscriptions on a one-second plan
// renew as fast as the worker manages; then the same number of cycles of a bare baseline
// workflow (one timer + the same count of no-op activities per cycle) on the same server.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { subscriptionWorkflowId } from '../domain/subscription';
import { fetchRunChain } from '../simulator/histories';
import { createSubscription, eachLimited, serverErrorCauses, subscriptionBody } from './support/api';
import { cpuBetween, sampleCpu, type CpuSample } from './support/cpu';
import { BENCH_PLAN, createBenchPlan } from './support/bench-plan';
import { mode, periodsBetweenCharges, shapeOf, type HistoryShape } from './support/history';
import { fixed, seconds, type BenchResult } from './support/report';
import { startNodeService } from './support/services';
import { intSetting } from './support/settings';
import { startStack, type Stack } from './support/stack';
import { baselineWorkflow } from './baseline/workflows';

const PERIOD_MS = 1000;
const BASELINE_TASK_QUEUE = 'bench-baseline';
/** Subscriptions whose histories are read to find what one renewal runs. */
const SAMPLED_SUBSCRIPTIONS = 5;
const CONCURRENT_REQUESTS = 10;

export interface RenewalFigures {
  result: BenchResult;
  /** One entry per renewal period read from the sampled histories (for the history bench). */
  periods: HistoryShape[];
  /** The sampled runs themselves, whole. */
  runs: HistoryShape[];
}

const log = (message: string) => console.error(`[bench:renewal] ${message}`);

function paidRenewals(stack: Stack): Promise<number> {
  return stack.prisma.invoice.count({ where: { status: 'paid', periodIndex: { gte: 1 } } });
}

async function sampledHistories(stack: Stack, ids: string[]): Promise<{ periods: HistoryShape[]; runs: HistoryShape[] }> {
  const periods: HistoryShape[] = [];
  const runs: HistoryShape[] = [];
  for (const id of ids.slice(0, SAMPLED_SUBSCRIPTIONS)) {
    const histories = (await fetchRunChain(stack.temporal.workflow, subscriptionWorkflowId(id))).map((run) => run.history);
    periods.push(...periodsBetweenCharges(histories));
    runs.push(...histories.map((history) => shapeOf(history.events ?? [])));
  }
  if (periods.length === 0) throw new Error('no complete renewal period in the sampled histories: raise BENCH_RENEWAL_SECONDS');
  return { periods, runs };
}

/**
 * Why the ratio is what it is, from CPU per cycle. The machine's cores are shared by the worker,
 * the Temporal server and PostgreSQL, so once saturated the rate follows the CPU a cycle costs
 * all of them: the ratio is about the baseline's CPU per cycle over a renewal's. The ceiling is
 * that ratio with the worker's own cost taken away: what no activity optimization can pass.
 */
function cpuVerdict(renewal: CpuSample, renewals: number, baseline: CpuSample, cycles: number): string {
  const ms = (sample: CpuSample, name: string, count: number) => ((sample[name] ?? 0) * 1000) / count;
  const worker = ms(renewal, 'worker', renewals);
  const server = ms(renewal, 'Temporal', renewals);
  const database = ms(renewal, 'PostgreSQL', renewals);
  const baselineWorker = ms(baseline, 'worker', cycles);
  const baselineServer = ms(baseline, 'Temporal', cycles);
  if (worker === 0 || baselineWorker === 0) return 'no CPU figures (not on Linux)';
  const baselineTotal = baselineWorker + baselineServer;
  const f = (value: number) => value.toFixed(1);
  return (
    `CPU per cycle: renewal ${f(worker + server + database)} ms (worker ${f(worker)}, Temporal server ${f(server)}, PostgreSQL ${f(database)}) ` +
    `against the baseline's ${f(baselineTotal)} ms (worker ${f(baselineWorker)}, server ${f(baselineServer)}), a CPU ratio of ${(baselineTotal / (worker + server + database)).toFixed(2)}; ` +
    `with a worker that cost nothing the server and database alone would cap the ratio at ${(baselineTotal / (server + database)).toFixed(2)}. ${PROFILE_FINDING}`
  );
}

/**
 * What CPU profiles of the worker under this bench showed (BENCH_CPU_PROFILE_DIR=dir; shares of
 * the worker's main thread, where activities run, and of its workflow thread). Measured, not
 * computed: rerun and update when a renewal's work changes.
 */
const PROFILE_FINDING =
  'Worker profile (2026-12-05, 2 cores under load): main thread Prisma 38 % (its query compiler 15 %; 45 % and 20 % before ' +
  'the hottest statements went to raw SQL), Temporal SDK activity and activation plumbing 21 %, the receipt (PDF, rendering, ' +
  'SMTP file) about 8 %; the workflow thread spends 23 % in the SDK\'s stack-trace promise hook, which 1.24 cannot turn off. ' +
  'A renewal also makes the server run a continue-as-new and the receipt\'s delivery workflow, which the baseline does not.';

/** Seconds the baseline takes to run `cycles` cycles in total, spread over `workflows` workflows, and the CPU it took. */
async function runBaseline(
  stack: Stack,
  workflows: number,
  cycles: number,
  perCycle: { activities: number; localActivities: number },
): Promise<{ seconds: number; cpu: CpuSample }> {
  const share = (i: number) => Math.floor(cycles / workflows) + (i < cycles % workflows ? 1 : 0);
  const worker = await startNodeService('baseline worker', 'bench/baseline/worker.ts', { ...stack.env, TEMPORAL_TASK_QUEUE: BASELINE_TASK_QUEUE }, /baseline worker polling/);
  const groups = [
    { name: 'Temporal', pid: stack.devServer.service.pid },
    { name: 'worker', pid: worker.pid },
  ];
  try {
    const cpuBefore = sampleCpu(groups);
    const started = Date.now();
    const handles = await Promise.all(
      Array.from({ length: Math.min(workflows, cycles) }, (_, i) =>
        stack.temporal.workflow.start(baselineWorkflow, {
          workflowId: `baseline-${i}`,
          taskQueue: BASELINE_TASK_QUEUE,
          args: [{ cycles: share(i), periodMs: PERIOD_MS, ...perCycle }],
        }),
      ),
    );
    await Promise.all(handles.map((handle) => handle.result()));
    return { seconds: (Date.now() - started) / 1000, cpu: cpuBetween(cpuBefore, sampleCpu(groups)) };
  } finally {
    await worker.stop();
  }
}

export async function renewalThroughput(): Promise<RenewalFigures> {
  const subscriptions = intSetting('BENCH_RENEWAL_SUBSCRIPTIONS', 50);
  const windowSeconds = intSetting('BENCH_RENEWAL_SECONDS', 30);
  const stack = await startStack('renewal');
  try {
    await createBenchPlan(stack.prisma);
    const [worker, api] = await Promise.all([stack.startWorker(), stack.startApi()]);
    const ids = Array.from({ length: subscriptions }, (_, i) => `renew-${i}`);

    log(`creating ${subscriptions} subscriptions on ${BENCH_PLAN}`);
    const createStarted = Date.now();
    let serverErrors = 0;
    await eachLimited(ids, CONCURRENT_REQUESTS, async (id) => {
      serverErrors += await createSubscription(api, subscriptionBody(id, BENCH_PLAN));
    });
    const createMs = Date.now() - createStarted;
    const errorCauses = serverErrorCauses(api.service);

    log(`counting renewals for ${windowSeconds} s`);
    const groups = [
      { name: 'Temporal', pid: stack.devServer.service.pid },
      { name: 'PostgreSQL', comm: 'postgres' },
      { name: 'worker', pid: worker.pid },
    ];
    const before = await paidRenewals(stack);
    const cpuBefore = sampleCpu(groups);
    const realStarted = Date.now();
    await sleep(windowSeconds * 1000);
    const renewals = (await paidRenewals(stack)) - before;
    const realSeconds = (Date.now() - realStarted) / 1000;
    const renewalCpu = cpuBetween(cpuBefore, sampleCpu(groups));

    // They would go on renewing every second: end them before reading histories and the baseline.
    await eachLimited(ids, CONCURRENT_REQUESTS, async (id) => {
      await stack.temporal.workflow.getHandle(subscriptionWorkflowId(id)).terminate('bench finished');
    });
    await Promise.all([worker.stop(), api.service.stop()]);
    const { periods, runs } = await sampledHistories(stack, ids);
    const perCycle = { activities: mode(periods.map((p) => p.activities)), localActivities: mode(periods.map((p) => p.localActivities)) };

    if (renewals === 0) throw new Error(`no renewal was paid in ${windowSeconds} s`);
    log(`baseline: ${renewals} cycles of 1 timer + ${perCycle.activities} activities + ${perCycle.localActivities} local activities`);
    // The same count of cycles, spread over as many workflows as there were subscriptions.
    const { seconds: baselineSeconds, cpu: baselineCpu } = await runBaseline(stack, subscriptions, renewals, perCycle);
    const cpuPerCycle = cpuVerdict(renewalCpu, renewals, baselineCpu, renewals);

    const realRate = renewals / realSeconds;
    const baselineRate = renewals / baselineSeconds;
    const ratio = Number((realRate / baselineRate).toFixed(2));
    return {
      periods,
      runs,
      result: {
        title: 'Renewal throughput (dev server, one worker)',
        rows: [
          ['subscriptions (1 s billing period)', String(subscriptions)],
          ['created through the API in', seconds(createMs)],
          ['5xx answers while creating (each retried)', String(serverErrors)],
          ['renewals paid in the window', `${renewals} in ${seconds(realSeconds * 1000)}`],
          ['renewal cycles/s', fixed(realRate)],
          ['activities + local activities per renewal', `${perCycle.activities} + ${perCycle.localActivities}`],
          ['baseline cycles run', `${renewals} in ${seconds(baselineSeconds * 1000)}`],
          ['baseline cycles/s (1 timer + the same no-op activities)', fixed(baselineRate)],
          ['ratio renewal / baseline', fixed(ratio, 2)],
          ['load average (1 min) after the baseline', fixed(os.loadavg()[0] ?? 0, 2)],
        ],
        goals: [{ figure: 'renewal / bare-Temporal baseline', direction: 'at least', target: 0.8, measured: ratio, unit: '', why: cpuPerCycle }],
        notes: [
          `Offered load: ${subscriptions} cycles/s (each subscription renews every second). A rate below it means the worker is saturated, which is what this measures.`,
          'A renewal: issue the invoice, charge it, email the receipt, check upsell rules, update the database projection and search attributes; continue-as-new after the period boundary.',
          cpuPerCycle,
          'Both workloads ran on the same dev server (in memory unless BENCH_TEMPORAL_DB=file), each with one worker process at the SDK defaults.',
          ...(errorCauses.length > 0 ? [`The API's 5xx answers while creating: ${errorCauses.join('; ')}.`] : []),
        ],
      },
    };
  } catch (error) {
    throw await stack.explain(error);
  } finally {
    await stack.stop();
  }
}
