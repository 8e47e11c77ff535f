// Live-subscription scale: subscriptions created through the API under load (autocannon, every
// POST with its own id), then left running: each is a workflow asleep until its next renewal.
// Figures: create rate, API latency, and the worker's resident memory per live subscription.
import v8 from 'node:v8';
import autocannon from 'autocannon';
import { apiHeaders, eachLimited, postJson, serverErrorCauses, subscriptionBody, type ApiTarget } from './support/api';
import { duration, fixed, seconds, type BenchResult } from './support/report';
import { mib, rssBytes } from './support/rss';
import { intSetting } from './support/settings';
import { startStack } from './support/stack';

const PLAN = 'basic-monthly';
/** Created before measuring, so JIT warm-up and first connections are not in the figures. */
const WARM_UP = 50;
/** How long the worker is given to finish first-period work (emails) before RSS is read. */
const SETTLE_MS = 5_000;

const log = (message: string) => console.error(`[bench:live] ${message}`);

interface LoadResult {
  result: autocannon.Result;
  stoppedEarly: boolean;
}

/** POST /subscriptions `amount` times, each with a fresh id; stopped after `maxSeconds`. */
function createUnderLoad(api: ApiTarget, amount: number, connections: number, maxSeconds: number): Promise<LoadResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    let stoppedEarly = false;
    const instance = autocannon(
      {
        url: api.url,
        connections,
        amount,
        // A create waits for the first charge; under load that is seconds, not a dead server.
        timeout: 120,
        requests: [
          {
            method: 'POST',
            path: '/subscriptions',
            headers: apiHeaders(api),
            setupRequest: (request) => ({ ...request, body: JSON.stringify(subscriptionBody(`live-${next++}`, PLAN)) }),
          },
        ],
      },
      (error, result) => {
        clearTimeout(cap);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve({ result, stoppedEarly });
      },
    );
    const cap = setTimeout(() => {
      stoppedEarly = true;
      instance.stop();
    }, maxSeconds * 1000);
  });
}

/** The SDK's default sticky-cache size for a worker with this process's heap limit. */
function defaultWorkflowCacheSize(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

/** The longest the create load may run (BENCH_LIVE_MAX_SECONDS, default 210). */
export function liveMaxSeconds(): number {
  return intSetting('BENCH_LIVE_MAX_SECONDS', 210);
}

/** `maxSeconds`: how long the load may run (run-all shortens it to keep the whole run in its budget). */
export async function liveSubscriptions(maxSeconds = liveMaxSeconds()): Promise<BenchResult> {
  const target = intSetting('BENCH_LIVE_SUBSCRIPTIONS', 10_000);
  const connections = intSetting('BENCH_LIVE_CONNECTIONS', 10);
  const stack = await startStack('live');
  try {
    const [worker, api] = await Promise.all([stack.startWorker(), stack.startApi()]);
    await eachLimited(
      Array.from({ length: WARM_UP }, (_, i) => `warm-${i}`),
      connections,
      async (id) => {
        await postJson(api, '/subscriptions', subscriptionBody(id, PLAN));
      },
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rssBefore = (await rssBytes(worker.pid)) ?? 0;

    log(`creating up to ${target} subscriptions on ${PLAN} (${connections} connections, at most ${maxSeconds} s)`);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      void rssBytes(worker.pid).then((rss) => {
        rssPeak = Math.max(rssPeak, rss ?? 0);
      });
    }, 1000);
    const { result, stoppedEarly } = await createUnderLoad(api, target, connections, maxSeconds).finally(() => clearInterval(sampler));

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rssAfter = (await rssBytes(worker.pid)) ?? 0;
    rssPeak = Math.max(rssPeak, rssAfter);
    const live = await stack.prisma.subscription.count({ where: { status: 'active', id: { startsWith: 'live-' } } });
    const running = await stack.temporal.workflow.count('ExecutionStatus="Running"');
    // Answers received while the load ran; a request cut off by the time limit may still finish later.
    const rate = result['2xx'] / result.duration;
    const errorCauses = serverErrorCauses(api.service);
    const extrapolated: BenchResult['rows'] = stoppedEarly && rate > 0 ? [[`time for ${target} at this rate`, duration((target / rate) * 1000)]] : [];
    return {
      title: 'Live subscriptions through the API',
      rows: [
        ['subscriptions asked for', String(target)],
        ['created and active', `${live}${stoppedEarly ? ` (stopped at the ${maxSeconds} s limit)` : ''}`],
        ['running workflows (with the warm-up ones)', String(running.count)],
        ['create time', seconds(result.duration * 1000)],
        ['create rate', `${fixed(rate)} /s`],
        ...extrapolated,
        ['POST /subscriptions p50', `${result.latency.p50} ms`],
        ['POST /subscriptions p99', `${result.latency.p99} ms`],
        ['non-2xx answers / connection errors', `${result.non2xx} / ${result.errors}`],
        ['worker RSS before → after', `${mib(rssBefore)} → ${mib(rssAfter)} (peak ${mib(rssPeak)})`],
        ['worker RSS per live subscription', live > 0 ? `${fixed((rssAfter - rssBefore) / live / 1024)} KiB` : 'n/a'],
      ],
      notes: [
        `Each POST creates the customer, the subscription row and the workflow (update-with-start) and answers after the first charge; ${connections} concurrent connections; ${WARM_UP} warm-up subscriptions first.`,
        `Plan ${PLAN}: once created, a subscription sleeps until next month, so "live" means an open workflow on a timer, not work.`,
        ...(errorCauses.length > 0 ? [`The API's 5xx answers: ${errorCauses.join('; ')}.`] : []),
        `RSS is the worker process's own (VmRSS). Up to ~${defaultWorkflowCacheSize()} workflows stay in its sticky cache (SDK default for this heap); beyond that, idle ones are evicted and cost no worker memory.`,
      ],
    };
  } catch (error) {
    throw await stack.explain(error);
  } finally {
    await stack.stop();
  }
}
