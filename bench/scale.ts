// Scale on the production path: N live subscriptions (BENCH_SCALE_SUBSCRIPTIONS, default 100,000)
// imported through the API (POST /subscriptions/imports, 100 a request) onto the real Temporal
// server on PostgreSQL, polled by two worker processes. Figures: time to import and until every
// workflow has opened (its first projection write), each worker's resident memory with them all
// live, and the renewal rate: a group of subscriptions imported with periods that all end at one
// moment renews while the rest stay live, and the time until the last is paid gives the rate the
// workers keep up. Then a third worker starts and a second group measures the same rate again.
// Not in the default `npm run bench` (it takes long): `npm run bench -- scale`. BENCH_SCALE_SERVER=dev
// runs it on the CLI's dev server instead, to compare.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/worker';
import { startPostgresTemporal } from './chaos/support/postgres-temporal';
import { eachLimited, postJson, subscriptionBody, type ApiTarget } from './support/api';
import { machine } from './support/machine';
import { duration, fixed, markdownSection, seconds, type BenchResult } from './support/report';
import { recordSection } from './support/results-file';
import { mib, rssBytes } from './support/rss';
import { ROOT, startService, type Service } from './support/services';
import { intSetting } from './support/settings';
import { startStack, type Stack } from './support/stack';

const PLAN = 'basic-monthly';
const IMPORT_BATCH = 100;
const IMPORT_ATTEMPTS = 5;
/** Import requests sent again after a failed answer, over the whole run. */
let retried = 0;
const DAY_MS = 86_400_000;
const LIVE_PREFIX = 'scale-';

const SILENT = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const log = (message: string) => console.error(`[bench:scale ${new Date().toISOString().slice(11, 19)}] ${message}`);
const load = () => os.loadavg()[0]!.toFixed(1);

/** Imports `ids` with periods ending at `periodEnd`, `connections` requests at a time. */
async function importAll(api: ApiTarget, ids: string[], periodEnd: Date, connections: number): Promise<void> {
  const batches: string[][] = [];
  for (let first = 0; first < ids.length; first += IMPORT_BATCH) batches.push(ids.slice(first, first + IMPORT_BATCH));
  let done = 0;
  await eachLimited(batches, connections, async (batch) => {
    const subscriptions = batch.map((id) => ({ ...subscriptionBody(id, PLAN), currentPeriodEnd: periodEnd.toISOString() }));
    // A request the API failed (its transaction timed out on a loaded machine) is sent again:
    // imports are idempotent on the ids, as scripts/import-csv.ts relies on.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await postJson(api, '/subscriptions/imports', { subscriptions });
        break;
      } catch (error) {
        if (attempt >= IMPORT_ATTEMPTS) throw error;
        retried += 1;
        await sleep(1000 * attempt);
      }
    }
    done += batch.length;
    if (done % 5000 < IMPORT_BATCH) log(`imported ${done} / ${ids.length} (load ${load()})`);
  });
}

/** Subscriptions under `prefix` whose workflow has written its first projection (the API's row is version 0). */
function opened(stack: Stack, prefix: string): Promise<number> {
  return stack.prisma.subscription.count({ where: { id: { startsWith: prefix }, stateVersion: { gt: 0 } } });
}

/** Paid renewal invoices (period 1 on) of subscriptions under `prefix`. */
async function renewed(stack: Stack, prefix: string): Promise<{ count: number }> {
  return { count: await stack.prisma.invoice.count({ where: { subscriptionId: { startsWith: prefix }, periodIndex: { gte: 1 }, status: 'paid' } }) };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, deadline: number, label: string): Promise<T> {
  let last = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    if (Date.now() - last > 30_000) {
      log(`${label}: ${JSON.stringify(value)} (load ${load()})`);
      last = Date.now();
    }
    await sleep(1000);
  }
}

interface RenewalRate {
  count: number;
  ms: number;
  perSecond: number;
  load: string;
}

/**
 * Imports `size` subscriptions whose periods all end `leadMs` from now, then waits until each has
 * its renewal paid: the rate is the group over the time from the period end to the last payment.
 */
async function renewalRate(stack: Stack, api: ApiTarget, prefix: string, size: number, leadMs: number, connections: number, deadline: number): Promise<RenewalRate> {
  const due = new Date(Date.now() + leadMs);
  await importAll(api, Array.from({ length: size }, (_, i) => `${prefix}${i}`), due, connections);
  const imported = Date.now();
  if (imported >= due.getTime()) throw new Error(`the group of ${size} took ${seconds(imported - due.getTime() + leadMs)} to import, past its period end: raise BENCH_SCALE_LEAD_SECONDS`);
  await sleep(due.getTime() - imported);
  const loadAtDue = load();
  const result = await waitFor(() => renewed(stack, prefix), (value) => value.count >= size, deadline, `renewals of ${prefix}`);
  // Wall time when the count was seen complete (polled each second): the invoices carry business
  // time (paidAt is the period end the renewal billed), not when the worker got to them.
  const ms = Math.max(1, Date.now() - due.getTime());
  return { count: result.count, ms, perSecond: (result.count * 1000) / ms, load: loadAtDue };
}

async function rssOf(workers: Service[]): Promise<string> {
  const values = await Promise.all(workers.map((worker) => rssBytes(worker.pid)));
  return values.map((value) => (value === null ? 'n/a' : mib(value))).join(', ');
}

export async function scale(): Promise<BenchResult> {
  retried = 0;
  const total = intSetting('BENCH_SCALE_SUBSCRIPTIONS', 100_000);
  const group = intSetting('BENCH_SCALE_RENEWING', Math.min(2000, Math.max(10, Math.floor(total / 20))));
  const connections = intSetting('BENCH_IMPORT_CONNECTIONS', 4);
  const leadMs = intSetting('BENCH_SCALE_LEAD_SECONDS', 60) * 1000;
  const maxMs = intSetting('BENCH_SCALE_MAX_SECONDS', 7200) * 1000;
  const loadAtStart = load();
  // BENCH_SCALE_SERVER=dev: the same on the CLI's dev server (SQLite in memory), to compare.
  const onDev = process.env.BENCH_SCALE_SERVER === 'dev';
  const stack = await startStack('scale');
  const temporal = onDev ? null : await startPostgresTemporal(stack.databaseUrl, stack.dir);
  const address = temporal?.address ?? stack.temporalAddress;
  const workers: Service[] = [];
  try {
    // Bundled once: each worker bundling its own takes minutes on a loaded machine. The chaos
    // worker without faults is the product's worker on a pre-built bundle.
    const bundlePath = path.join(stack.dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: SILENT as never })).code);
    // No metrics endpoints: three workers would want the same ports.
    const env = { ...stack.env, TEMPORAL_ADDRESS: address, WORKER_METRICS_PORT: '0', CHAOS_WORKFLOW_BUNDLE: bundlePath };
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
    const startWorker = async (n: number) => {
      const worker = await startService({
        name: `worker ${n}`,
        command: process.execPath,
        // BENCH_CPU_PROFILE_DIR: a V8 CPU profile per worker when it stops, as for the other benches.
        args: [...profile, '--import', 'tsx', path.join(ROOT, 'bench/chaos/support/chaos-worker.ts')],
        env,
        ready: /chaos worker polling/,
        readyTimeoutMs: 600_000,
      });
      workers.push(worker);
      return worker;
    };
    await startWorker(1);
    await startWorker(2);
    const api = await stack.startApi({ TEMPORAL_ADDRESS: address });
    const deadline = Date.now() + maxMs;

    log(`importing ${total} live subscriptions, ${IMPORT_BATCH} a request, ${connections} requests at a time (load ${load()})`);
    const started = Date.now();
    await importAll(api, Array.from({ length: total }, (_, i) => `${LIVE_PREFIX}${i}`), new Date(Date.now() + 20 * DAY_MS), connections);
    const importMs = Date.now() - started;
    const loadAfterImport = load();
    const open = await waitFor(() => opened(stack, LIVE_PREFIX), (count) => count >= total, deadline, 'opened');
    const openMs = Date.now() - started;
    log(`imported in ${seconds(importMs)}, ${open} opened in ${seconds(openMs)} (load ${load()})`);
    await sleep(5000);
    const rssLive = await rssOf(workers);

    const two = await renewalRate(stack, api, 'scale-a-', group, leadMs, connections, deadline);
    log(`two workers: ${two.count} renewals in ${seconds(two.ms)} (load ${load()})`);
    const rssAfterTwo = await rssOf(workers);
    await startWorker(3);
    const three = await renewalRate(stack, api, 'scale-b-', group, leadMs, connections, deadline);
    log(`three workers: ${three.count} renewals in ${seconds(three.ms)} (load ${load()})`);
    const rssAfterThree = await rssOf(workers);

    return {
      title: `Scale: ${total} live subscriptions on ${onDev ? 'the Temporal dev server (SQLite in memory)' : 'the Temporal server on PostgreSQL'}`,
      rows: [
        ['server', onDev ? 'temporal server start-dev (CLI), SQLite in memory' : 'go.temporal.io/server v1.32.1, persistence and visibility on the embedded PostgreSQL'],
        ['live subscriptions imported (POST /subscriptions/imports)', String(total)],
        ['time to import (all requests answered)', `${duration(importMs)} (${fixed((total * 1000) / importMs)}/s)`],
        ['time until every workflow opened', `${duration(openMs)} (${fixed((open * 1000) / openMs)}/s; ${open} opened)`],
        ['worker RSS with all live, 2 workers', rssLive],
        [`renewals, 2 workers (${group} due at once)`, `${two.count} in ${seconds(two.ms)}: ${fixed(two.perSecond)}/s (load ${two.load})`],
        ['worker RSS after, 2 workers', rssAfterTwo],
        [`renewals, 3 workers (${group} due at once)`, `${three.count} in ${seconds(three.ms)}: ${fixed(three.perSecond)}/s (load ${three.load})`],
        ['worker RSS after, 3 workers', rssAfterThree],
        ['import requests sent again after a 5xx', String(retried)],
        ['load average at start / after the import', `${loadAtStart} / ${loadAfterImport}`],
      ],
      notes: [
        `Two worker processes (the product's worker on a pre-built workflow bundle, bench/chaos/support/chaos-worker.ts without faults) poll the task queue; the API imports ${IMPORT_BATCH} subscriptions a request, ${connections} requests at a time, periods paid for 20 days.`,
        `A renewal group: ${group} more subscriptions imported with periods ending ${seconds(leadMs)} later, all at one moment; the rate is the group over the time from that moment until all their renewals (invoice, charge, projection, receipt, continue-as-new) were seen paid, polled each second, with the other subscriptions live.`,
        'The machine is shared with other work: the load averages say how much.',
      ],
    };
  } catch (error) {
    throw await stack.explain(error);
  } finally {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
    await stack.stop();
  }
}

/** The scale section of bench/RESULTS.md: which server, which machine, how loaded it was. */
export function recordScale(result: BenchResult, loadAtStart: number): void {
  const m = machine();
  recordSection(
    process.env.BENCH_SCALE_SERVER === 'dev' ? 'scale-dev' : 'scale',
    [
      markdownSection(result),
      '',
      `Measured with \`npm run bench -- scale\` ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node.js ${m.node}; load average ${loadAtStart.toFixed(2)} at the start, on a machine shared with other work. Settings: ${
        Object.entries(process.env)
          .filter(([name]) => name.startsWith('BENCH_SCALE') || name === 'BENCH_IMPORT_CONNECTIONS')
          .map(([name, value]) => `\`${name}=${value}\``)
          .join(', ') || 'defaults'
      }.`,
    ].join('\n'),
  );
}
