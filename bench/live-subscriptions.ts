// Live-subscription scale: 10,000 subscriptions brought in through the API, then left running,
// each a workflow asleep until its next renewal. Two ways in, as a business grows onto the engine:
// sign-ups (POST /subscriptions, answered after the first charge) for a fixed time, then the rest
// imported from the old system (POST /subscriptions/imports, 100 per request, paid until a date).
// Figures: rates and API latency of both, where their CPU goes, and the worker's resident memory
// per live subscription.
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import autocannon from 'autocannon';
import { apiHeaders, eachLimited, postJson, serverErrorCauses, subscriptionBody, type ApiTarget } from './support/api';
import { cpuBetween, cpuPer, sampleCpu, stackCpuGroups } from './support/cpu';
import { duration, fixed, seconds, type BenchResult } from './support/report';
import { mib, rssBytes } from './support/rss';
import { intSetting } from './support/settings';
import { startStack } from './support/stack';

const PLAN = 'basic-monthly';
/** Created before measuring, so JIT warm-up and first connections are not in the figures. */
const WARM_UP = 50;
/** How long the worker is given to finish first-period work (emails) before RSS is read. */
const SETTLE_MS = 5_000;
const IMPORT_BATCH = 100;
const SIGN_UP_PREFIX = 'live-';
const IMPORT_PREFIX = 'imp-';
const DAY_MS = 86_400_000;

const log = (message: string) => console.error(`[bench:live] ${message}`);

interface Load {
  result: autocannon.Result;
  stoppedEarly: boolean;
}

/** autocannon with one request shape; ends after `amount` requests or `maxSeconds`, whichever comes first. */
function load(api: ApiTarget, path: string, body: () => unknown, options: { connections: number; amount?: number; maxSeconds: number }): Promise<Load> {
  return new Promise((resolve, reject) => {
    let stoppedEarly = false;
    const instance = autocannon(
      {
        url: api.url,
        connections: options.connections,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.maxSeconds }),
        // A create waits for the first charge; under load that is seconds, not a dead server.
        timeout: 120,
        requests: [{ method: 'POST', path, headers: apiHeaders(api), setupRequest: (request) => ({ ...request, body: JSON.stringify(body()) }) }],
      },
      (error, result) => {
        clearTimeout(cap);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve({ result, stoppedEarly });
      },
    );
    const cap = setTimeout(() => {
      stoppedEarly = options.amount !== undefined;
      instance.stop();
    }, options.maxSeconds * 1000);
  });
}

/** Polls until `count()` reaches `target` or the deadline passes; returns the last count. */
async function waitForCount(count: () => Promise<number>, target: number, deadline: number): Promise<number> {
  for (;;) {
    const now = await count();
    if (now >= target || Date.now() >= deadline) return now;
    await sleep(1000);
  }
}

/** The SDK's default sticky-cache size for a worker with this process's heap limit. */
function defaultWorkflowCacheSize(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

/** The longest the live bench's load may run (BENCH_LIVE_MAX_SECONDS, default 420). */
export function liveMaxSeconds(): number {
  return intSetting('BENCH_LIVE_MAX_SECONDS', 420);
}

/** `maxSeconds`: how long sign-ups and imports may run together (run-all shortens it to keep the whole run in its budget). */
export async function liveSubscriptions(maxSeconds = liveMaxSeconds()): Promise<BenchResult> {
  const target = intSetting('BENCH_LIVE_SUBSCRIPTIONS', 10_000);
  const signUpSeconds = Math.min(intSetting('BENCH_SIGN_UP_SECONDS', 15), maxSeconds);
  const connections = intSetting('BENCH_LIVE_CONNECTIONS', 10);
  const importConnections = intSetting('BENCH_IMPORT_CONNECTIONS', 4);
  const stack = await startStack('live');
  try {
    const [worker, api] = await Promise.all([stack.startWorker(), stack.startApi()]);
    const groups = stackCpuGroups(stack.devServer.service.pid, worker.pid, api.service.pid);
    await eachLimited(
      Array.from({ length: WARM_UP }, (_, i) => `warm-${i}`),
      connections,
      async (id) => {
        await postJson(api, '/subscriptions', subscriptionBody(id, PLAN));
      },
    );
    await sleep(SETTLE_MS / 2);
    const rssBefore = (await rssBytes(worker.pid)) ?? 0;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      void rssBytes(worker.pid).then((rss) => {
        rssPeak = Math.max(rssPeak, rss ?? 0);
      });
    }, 1000);
    const started = Date.now();
    const deadline = started + maxSeconds * 1000;

    log(`sign-ups for ${signUpSeconds} s (${connections} connections), then imports up to ${target} live subscriptions on ${PLAN}, at most ${maxSeconds} s in all`);
    let signUpId = 0;
    const cpuAtStart = sampleCpu(groups);
    const signUps = await load(api, '/subscriptions', () => subscriptionBody(`${SIGN_UP_PREFIX}${signUpId++}`, PLAN), { connections, maxSeconds: signUpSeconds });
    const cpuAfterSignUps = sampleCpu(groups);
    const signedUp = signUps.result['2xx'];

    const toImport = Math.max(0, target - signedUp);
    const batches = Math.ceil(toImport / IMPORT_BATCH);
    const paidUntil = new Date(Date.now() + 20 * DAY_MS).toISOString();
    let batch = 0;
    const importBody = () => {
      const first = batch++ * IMPORT_BATCH;
      const size = Math.max(0, Math.min(IMPORT_BATCH, toImport - first));
      return {
        subscriptions: Array.from({ length: size }, (_, i) => ({ ...subscriptionBody(`${IMPORT_PREFIX}${first + i}`, PLAN), currentPeriodEnd: paidUntil })),
      };
    };
    const importStarted = Date.now();
    const imports =
      batches > 0
        ? await load(api, '/subscriptions/imports', importBody, { connections: Math.min(importConnections, batches), amount: batches, maxSeconds: Math.max(1, (deadline - Date.now()) / 1000) })
        : null;
    const importAnswered = Date.now();
    const imported = await stack.prisma.subscription.count({ where: { id: { startsWith: IMPORT_PREFIX } } });
    // An imported subscription is live once its workflow has run: its first projection write.
    const opened = () => stack.prisma.subscription.count({ where: { id: { startsWith: IMPORT_PREFIX }, stateVersion: { gt: 0 } } });
    const importedLive = await waitForCount(opened, imported, deadline);
    const allLive = Date.now();
    const cpuAfterImports = sampleCpu(groups);
    clearInterval(sampler);

    await sleep(SETTLE_MS);
    const rssAfter = (await rssBytes(worker.pid)) ?? 0;
    rssPeak = Math.max(rssPeak, rssAfter);
    const live = await stack.prisma.subscription.count({
      where: { status: 'active', stateVersion: { gt: 0 }, OR: [{ id: { startsWith: SIGN_UP_PREFIX } }, { id: { startsWith: IMPORT_PREFIX } }] },
    });
    const running = await stack.temporal.workflow.count('ExecutionStatus="Running"');
    const signUpRate = signedUp / signUps.result.duration;
    const importSeconds = (importAnswered - importStarted) / 1000;
    const liveSeconds = (allLive - started) / 1000;
    const stoppedEarly = live < target;
    const liveRate = live / liveSeconds;
    const answers = [signUps.result, ...(imports ? [imports.result] : [])];
    const errorCauses = serverErrorCauses(api.service);
    return {
      title: 'Live subscriptions through the API',
      rows: [
        ['subscriptions asked for', String(target)],
        ['live: active, workflow asleep until renewal', `${live}${stoppedEarly ? ` (stopped at the ${maxSeconds} s limit)` : ''}`],
        ['running workflows (with the warm-up ones)', String(running.count)],
        [stoppedEarly ? 'time spent' : 'time until all were live', seconds(liveSeconds * 1000)],
        ['live subscriptions per second, overall', `${fixed(liveRate)} /s`],
        ...(stoppedEarly && liveRate > 0 ? ([[`time for ${target} at this rate`, duration((target / liveRate) * 1000)]] as BenchResult['rows']) : []),
        ['signed up (POST /subscriptions)', `${signedUp} in ${seconds(signUps.result.duration * 1000)}, ${fixed(signUpRate)} /s`],
        ['sign-up answer p50 / p99', `${signUps.result.latency.p50} / ${signUps.result.latency.p99} ms`],
        ['CPU per sign-up', cpuPer(cpuBetween(cpuAtStart, cpuAfterSignUps), signedUp)],
        ['imported (POST /subscriptions/imports, 100 a request)', `${imported} in ${seconds(importSeconds * 1000)}, ${fixed(imported / Math.max(importSeconds, 0.001))} /s answered`],
        ['import request p50 / p99', imports ? `${imports.result.latency.p50} / ${imports.result.latency.p99} ms` : 'n/a'],
        ['imported workflows opened', `${importedLive} of ${imported}, ${seconds(allLive - importStarted)} after the first import`],
        ['CPU per import', cpuPer(cpuBetween(cpuAfterSignUps, cpuAfterImports), importedLive)],
        ['non-2xx answers / connection errors', `${answers.reduce((sum, r) => sum + r.non2xx, 0)} / ${answers.reduce((sum, r) => sum + r.errors, 0)}`],
        ['worker RSS before → after', `${mib(rssBefore)} → ${mib(rssAfter)} (peak ${mib(rssPeak)})`],
        ['worker RSS per live subscription', live > 0 ? `${fixed((rssAfter - rssBefore) / live / 1024)} KiB` : 'n/a'],
      ],
      notes: [
        `Sign-ups: each POST creates the customer, the subscription row and the workflow (update-with-start) and answers after the first charge; ${connections} concurrent connections; ${WARM_UP} warm-up sign-ups first.`,
        `Imports: each request imports 100 subscriptions paid until ${paidUntil.slice(0, 10)} (no charge now; README, "Importing subscriptions"); ${importConnections} concurrent requests. ` +
          'The answer does not wait for the workflows; one counts as live once it has run and recorded itself (projection version ≥ 1).',
        `Plan ${PLAN}: once live, a subscription sleeps until its renewal, so "live" means an open workflow on a timer, not work.`,
        ...(errorCauses.length > 0 ? [`The API's 5xx answers: ${errorCauses.join('; ')}.`] : []),
        'CPU per subscription is the CPU time each process used during that phase (Linux /proc), divided by the subscriptions it brought in.',
        `RSS is the worker process's own (VmRSS). Up to ~${defaultWorkflowCacheSize()} workflows stay in its sticky cache (SDK default for this heap); beyond that, idle ones are evicted and cost no worker memory.`,
      ],
    };
  } catch (error) {
    throw await stack.explain(error);
  } finally {
    await stack.stop();
  }
}
