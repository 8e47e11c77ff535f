// Sign-up latency: POST /subscriptions as a sign-up page sends it, both ways. Synchronous (answered
// after the first charge) on a fixed number of connections; asynchronous (`Prefer: respond-async`,
// answered 202 once the rows and the pending start are written) at a fixed offered rate, then
// the time until every one of those has opened (its first charge recorded in the projection).
// `npm run bench -- signup`, or alone: `node --import tsx bench/signups.ts`.
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import autocannon from 'autocannon';
import { apiHeaders, eachLimited, postJson, serverErrorCauses, subscriptionBody, type ApiTarget } from './support/api';
import { cpuBetween, cpuPer, sampleCpu, stackCpuGroups } from './support/cpu';
import { consoleTable, fixed, seconds, type BenchResult } from './support/report';
import { endedTransactions } from './support/pg-transactions';
import { pacedLoad } from './support/paced-load';
import { intSetting } from './support/settings';
import { startStack } from './support/stack';

const PLAN = 'basic-monthly';
/** Sign-ups of each kind before measuring: JIT warm-up, pools and connections filled. */
const WARM_UP = 50;
const SYNC_PREFIX = 'sync-';
const ASYNC_PREFIX = 'async-';
const ALONE_PREFIX = 'alone-';
/** The goal: a sign-up page's accepted answer within 50 ms at 100 sign-ups a second. */
const GOAL_ASYNC_P99_MS = 50;
const PREFER_ASYNC = { prefer: 'respond-async' };

const log = (message: string) => console.error(`[bench:signup] ${message}`);
const load1 = () => fixed(os.loadavg()[0] ?? 0, 2);

interface LoadOptions {
  connections: number;
  seconds: number;
}

/** POST /subscriptions with a new subscription (its own id and email) in every request, each connection sending its next once answered. */
function signUpLoad(api: ApiTarget, nextId: () => string, options: LoadOptions): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: api.url,
        connections: options.connections,
        duration: options.seconds,
        // A synchronous sign-up waits for the first charge; under load that is seconds, not a dead server.
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: '/subscriptions',
            headers: apiHeaders(api),
            setupRequest: (request) => ({ ...request, body: JSON.stringify(subscriptionBody(nextId(), PLAN)) }),
          },
        ],
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
}

/** Polls the projection until every subscription under `prefix` has left `incomplete`, or the deadline. */
async function waitUntilOpened(count: (opened: boolean) => Promise<number>, deadline: number): Promise<{ opened: number; all: number }> {
  for (;;) {
    const [opened, all] = await Promise.all([count(true), count(false)]);
    if (opened >= all || Date.now() >= deadline) return { opened, all };
    await sleep(250);
  }
}

export async function signups(): Promise<BenchResult> {
  const connections = intSetting('BENCH_SIGNUP_CONNECTIONS', 10);
  const syncSeconds = intSetting('BENCH_SIGNUP_SYNC_SECONDS', 15);
  const rate = intSetting('BENCH_SIGNUP_ASYNC_RATE', 100);
  const asyncSeconds = intSetting('BENCH_SIGNUP_ASYNC_SECONDS', 10);
  const openDeadlineSeconds = intSetting('BENCH_SIGNUP_OPEN_MAX_SECONDS', 180);
  const stack = await startStack('signup');
  try {
    const [worker, api] = await Promise.all([stack.startWorker(), stack.startApi()]);
    const groups = stackCpuGroups(stack.devServer.service.pid, worker.pid, api.service.pid);
    const warmIds = Array.from({ length: WARM_UP }, (_, i) => i);
    await eachLimited(warmIds, connections, async (i) => {
      await postJson(api, '/subscriptions', subscriptionBody(`warm-sync-${i}`, PLAN));
    });
    await eachLimited(warmIds, connections, async (i) => {
      const res = await fetch(`${api.url}/subscriptions`, { method: 'POST', headers: { ...apiHeaders(api), ...PREFER_ASYNC }, body: JSON.stringify(subscriptionBody(`warm-async-${i}`, PLAN)) });
      if (res.status !== 202) throw new Error(`an asynchronous sign-up answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    });
    // The warm-up's workflows finish opening before anything is measured.
    // Those under `prefix` that have opened, or all of them.
    const countUnder = (prefix: string) => (opened: boolean) =>
      stack.prisma.subscription.count({ where: { id: { startsWith: prefix }, ...(opened ? { status: { not: 'incomplete' } } : {}) } });
    await waitUntilOpened(countUnder('warm-async-'), Date.now() + 60_000);

    log(`synchronous sign-ups for ${syncSeconds} s on ${connections} connections (load ${load1()})`);
    const syncLoad = load1();
    let syncId = 0;
    const transactionsBeforeSync = await endedTransactions(stack.prisma);
    const cpuBeforeSync = sampleCpu(groups);
    const sync = await signUpLoad(api, () => `${SYNC_PREFIX}${syncId++}`, { connections, seconds: syncSeconds });
    const syncCpu = cpuPer(cpuBetween(cpuBeforeSync, sampleCpu(groups)), sync['2xx']);
    // Their receipts and webhooks are written after the answer: the wait for the counts lets them go.
    const syncTransactions = (await endedTransactions(stack.prisma)) - transactionsBeforeSync;
    // With those answered after the load stopped: each one's transactions are in the count.
    const syncSignedUp = await stack.prisma.subscription.count({ where: { id: { startsWith: SYNC_PREFIX } } });

    log(`asynchronous sign-ups at ${rate}/s for ${asyncSeconds} s (load ${load1()})`);
    const asyncLoad = load1();
    const transactionsBeforeAsync = await endedTransactions(stack.prisma);
    const cpuBeforeAsync = sampleCpu(groups);
    const started = Date.now();
    // Evenly spaced, a connection per request a second: the offered rate holds while answers take under a second.
    const asyncHeaders = { ...apiHeaders(api), ...PREFER_ASYNC };
    const asyncSignUps = (prefix: string) => {
      let next = 0;
      return pacedLoad(api.url, {
        rate,
        seconds: asyncSeconds,
        connections: rate,
        request: () => ({ method: 'POST', path: '/subscriptions', headers: asyncHeaders, body: JSON.stringify(subscriptionBody(`${prefix}${next++}`, PLAN)) }),
      });
    };
    const accepted = await asyncSignUps(ASYNC_PREFIX);
    const acceptedCount = accepted.statuses[202] ?? 0;
    const acceptedRate = fixed(acceptedCount / accepted.seconds);
    const answered = Date.now();
    const { opened, all } = await waitUntilOpened(countUnder(ASYNC_PREFIX), answered + openDeadlineSeconds * 1000);
    const allOpened = Date.now();
    const asyncCpu = cpuPer(cpuBetween(cpuBeforeAsync, sampleCpu(groups)), opened);
    const asyncTransactions = (await endedTransactions(stack.prisma)) - transactionsBeforeAsync;
    const perSignUp = (transactions: number, count: number) => (count > 0 ? fixed(transactions / count) : 'n/a');

    // The same load with the worker stopped, as when workers run on other machines: what the
    // API and PostgreSQL accept on their own. The dispatcher still starts every workflow on the
    // Temporal server; they open once the worker is back.
    log(`asynchronous sign-ups at ${rate}/s for ${asyncSeconds} s, the worker stopped (load ${load1()})`);
    await worker.stop();
    const aloneLoad = load1();
    const transactionsBeforeAlone = await endedTransactions(stack.prisma);
    const cpuBeforeAlone = sampleCpu(groups);
    const alone = await asyncSignUps(ALONE_PREFIX);
    const aloneAccepted = alone.statuses[202] ?? 0;
    // Until the dispatcher has started every one of them on the Temporal server: all of a 202's work.
    const startsDeadline = Date.now() + openDeadlineSeconds * 1000;
    while (Date.now() < startsDeadline && (await stack.prisma.signUpStart.count({ where: { subscriptionId: { startsWith: ALONE_PREFIX } } })) > 0) await sleep(250);
    const aloneCpuMs = cpuBetween(cpuBeforeAlone, sampleCpu(groups));
    const aloneCpu = cpuPer(aloneCpuMs, aloneAccepted);
    const aloneTransactions = perSignUp((await endedTransactions(stack.prisma)) - transactionsBeforeAlone, aloneAccepted);
    const msEach = (group: string) => fixed(((aloneCpuMs[group] ?? 0) * 1000) / Math.max(1, aloneAccepted));
    const workerBack = Date.now();
    // Stopped with the stack: its CPU is not counted.
    await stack.startWorker();
    const aloneResult = await waitUntilOpened(countUnder(ALONE_PREFIX), Date.now() + openDeadlineSeconds * 1000);
    const aloneAllOpened = Date.now();

    const errorCauses = serverErrorCauses(api.service);
    const asyncP99 = accepted.latency.p99;
    return {
      title: 'Sign-up latency (POST /subscriptions)',
      rows: [
        ['synchronous: signed up', `${sync['2xx']} in ${seconds(sync.duration * 1000)}, ${fixed(sync['2xx'] / sync.duration)} /s (load ${syncLoad})`],
        ['synchronous: answer p50 / p99', `${sync.latency.p50} / ${sync.latency.p99} ms`],
        ['synchronous: CPU per sign-up', syncCpu],
        ['synchronous: PostgreSQL transactions per sign-up', perSignUp(syncTransactions, syncSignedUp)],
        ['asynchronous: accepted (202) at the offered rate', `${acceptedCount} in ${seconds(accepted.seconds * 1000)}, ${acceptedRate} /s of ${rate} /s offered (load ${asyncLoad})`],
        ['asynchronous: answer p50 / p99', `${accepted.latency.p50} / ${asyncP99} ms`],
        ['asynchronous: time until all had opened', `${opened} of ${all}, ${seconds(allOpened - started)} after the first request (${seconds(allOpened - answered)} after the last answer)`],
        ['asynchronous: CPU per sign-up, until opened', asyncCpu],
        ['asynchronous: PostgreSQL transactions per sign-up, until opened', perSignUp(asyncTransactions, all)],
        ['asynchronous, worker stopped: accepted (202)', `${aloneAccepted} in ${seconds(alone.seconds * 1000)}, ${fixed(aloneAccepted / alone.seconds)} /s of ${rate} /s offered (load ${aloneLoad})`],
        ['asynchronous, worker stopped: answer p50 / p99', `${alone.latency.p50} / ${alone.latency.p99} ms`],
        ['asynchronous, worker stopped: CPU per sign-up, accepted and started', aloneCpu],
        ['asynchronous, worker stopped: PostgreSQL transactions per sign-up, accepted and started', aloneTransactions],
        ['asynchronous, worker stopped: time until all had opened', `${aloneResult.opened} of ${aloneResult.all}, ${seconds(aloneAllOpened - workerBack)} after the worker was started again`],
        ['non-2xx answers / connection errors', `${sync.non2xx + accepted.non2xx + alone.non2xx} / ${sync.errors + accepted.errors + alone.errors}`],
      ],
      goals: [
        {
          figure: `asynchronous sign-up p99 at ${rate} /s`,
          direction: 'at most',
          target: GOAL_ASYNC_P99_MS,
          measured: asyncP99,
          unit: 'ms',
          why:
            `load average ${asyncLoad} while accepting, ${acceptedRate} of ${rate} /s accepted. A 202 no longer waits for Temporal (the pending start goes in the outbox with the rows, and the API's dispatcher starts the workflow after the answer), ` +
            `but 100 sign-ups a second is more than these 2 cores can accept while they also open the earlier ones: the requests queue for the whole run and the p99 is that queue. ` +
            `With the worker stopped (workers on other machines) the same load was accepted at ${fixed(aloneAccepted / alone.seconds)} /s, p99 ${alone.latency.p99} ms: each accepted sign-up still cost the API ${msEach('API')} ms of CPU, ` +
            `the Temporal server ${msEach('Temporal')} ms for its start, PostgreSQL ${msEach('PostgreSQL')} ms and ${aloneTransactions} transactions (two rate-limit counters, the conflict read, the rows, the audit entry, the outbox claim and delete). ` +
            "Profiled (BENCH_CPU_PROFILE_DIR), the API's busiest frames are its writes to PostgreSQL's sockets and Prisma's client.",
        },
      ],
      notes: [
        `Every request signs up a new customer on ${PLAN} with a working card; ${WARM_UP} sign-ups of each kind first, not measured.`,
        `Synchronous: ${connections} connections, each sending its next sign-up once the last was answered (after the first charge).`,
        `Asynchronous: Prefer: respond-async at ${rate} requests/s offered, evenly spaced (bench/support/paced-load.ts: each latency from the moment its request was due); "opened" is the projection's status leaving incomplete, polled every 250 ms.`,
        "Before 2026-12-06 the asynchronous load came from autocannon's rate option, which sent each second's 100 sign-ups as one burst at the second's start (one on each of 100 connections): its p99 was the last of 100 simultaneous sign-ups.",
        'The workflows of the asynchronous sign-ups open while later ones are still being accepted: the 202 shares the cores with that work.',
        '"Worker stopped": the same load with the worker stopped while it runs, as when workers run on machines of their own; the workflows are started on the Temporal server meanwhile and open once the worker is started again.',
        'CPU per sign-up is the CPU time each process used during that phase (Linux /proc), divided by the sign-ups.',
        "PostgreSQL transactions per sign-up: the database's count of ended transactions (pg_stat_database; a statement outside a transaction is one) over the phase, divided by its sign-ups; all processes, throttles and audit entries included. Unlike latency it does not depend on the machine's load.",
        ...(errorCauses.length > 0 ? [`The API's 5xx answers: ${errorCauses.join('; ')}.`] : []),
      ],
    };
  } catch (error) {
    throw await stack.explain(error);
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  signups().then(
    (result) => {
      console.log(`\n${consoleTable(result)}\n`);
      process.exit();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
