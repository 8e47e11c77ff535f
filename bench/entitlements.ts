// Entitlements: GET /customers/:id/entitlements over loopback HTTP through the whole API stack
// as `npm run api` runs it (request log, throttles counted in PostgreSQL, API-key check, audit),
// against an embedded PostgreSQL holding the entitlements of BENCH_ENTITLEMENT_CUSTOMERS customers
// written by the projection's own code. Latency per request, one connection at a time and then
// several at once. `npm run bench -- entitlements`, or alone: `node --import tsx bench/entitlements.ts`.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type pg from 'pg';
import pino from 'pino';
import { syncEntitlements } from '../activities/entitlements';
import { createApp } from '../api/app';
import { createApiKey } from '../api/auth-keys';
import { createThrottlePool, createThrottles } from '../api/throttles';
import { ADD_ON_CATALOGUE } from '../domain/add-ons';
import { PLAN_CATALOGUE } from '../domain/plans';
import { DEFAULT_POLICY, openSubscription, type SubscriptionState } from '../domain/subscription';
import { prepareDatabase } from '../infra/bootstrap';
import { createPrismaClient, type PrismaClient } from '../infra/database';
import { eachLimited } from '../infra/each-limited';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { freePort } from '../infra/ports';
import { machine } from './support/machine';
import { consoleTable, fixed, percentile, seconds, type BenchResult } from './support/report';
import { intSetting } from './support/settings';
import { SignUpStarts } from '../api/services/sign-up-starts';

const AT = new Date('2026-12-01T00:00:00.000Z');
/** The goal the issue sets: a business's app can ask on every request it gates. */
const GOAL_P99_MS = 5;

const log = (message: string) => console.error(`[bench:entitlements] ${message}`);

/** A live subscription as the workflow would hand it to the projection: `plan`, with `seats` extra seats. */
function liveState(id: string, customerId: string, planCode: string, seats: number): SubscriptionState {
  const plan = PLAN_CATALOGUE.find((p) => p.code === planCode)!;
  const seat = ADD_ON_CATALOGUE.find((a) => a.code === 'extra-seat')!;
  const opened = openSubscription({ subscriptionId: id, customer: { id: customerId, email: `${customerId}@bench.example` }, plan, paymentMethod: 'pm_card_visa', policy: DEFAULT_POLICY }, AT);
  const addOns = seats > 0 ? [{ code: seat.code, name: seat.name, quantity: seats, unitAmountCents: 500, monthlyAmountCents: 500, metric: seat.metric, unitsPerQuantity: seat.unitsPerQuantity }] : [];
  return { ...opened, status: 'active', addOns, version: 2 };
}

/** Customers with one or two live subscriptions each, written through the projection's code. */
async function seedEntitlements(prisma: PrismaClient, customers: number): Promise<string[]> {
  const ids = Array.from({ length: customers }, (_, i) => `cus_bench_ent_${i}`);
  await prisma.customer.createMany({ data: ids.map((id) => ({ id, email: `${id}@bench.example`, name: id })) });
  await eachLimited(ids.map((customerId, i) => ({ customerId, i })), 4, async ({ customerId, i }) => {
    const states = [liveState(`sub_bench_ent_${i}_a`, customerId, ['basic-monthly', 'pro-monthly', 'business-monthly'][i % 3]!, i % 5)];
    if (i % 2 === 0) states.push(liveState(`sub_bench_ent_${i}_b`, customerId, 'basic-yearly', 0));
    for (const state of states) await prisma.$transaction((tx) => syncEntitlements(tx, state, AT));
  });
  return ids;
}

interface Latencies {
  ms: number[];
  wallMs: number;
  failures: number;
}

/** `count` GETs over `connections` keep-alive connections, each request's latency in ms. */
async function measure(url: URL, key: string, customers: string[], count: number, connections: number): Promise<Latencies> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const ms: number[] = [];
  let failures = 0;
  let next = 0;
  const get = (customerId: string) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = http.get({ host: url.hostname, port: url.port, path: `/customers/${customerId}/entitlements`, agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) failures += 1;
          resolve(performance.now() - started);
        });
      });
      req.on('error', reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        next += 1;
        ms.push(await get(customers[Math.floor(Math.random() * customers.length)]!));
      }
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  return { ms, wallMs, failures };
}

function describe(l: Latencies): { p50: number; p99: number; max: number; perSecond: number } {
  const sorted = [...l.ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]!, perSecond: (l.ms.length / l.wallMs) * 1000 };
}

export async function entitlementsLatency(): Promise<BenchResult> {
  const customers = intSetting('BENCH_ENTITLEMENT_CUSTOMERS', 1_000);
  const requests = intSetting('BENCH_ENTITLEMENT_REQUESTS', 5_000);
  const connections = intSetting('BENCH_ENTITLEMENT_CONNECTIONS', 8);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-entitlements-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
  let prisma: PrismaClient | undefined;
  let throttlePool: pg.Pool | undefined;
  let server: http.Server | undefined;
  try {
    await postgres.createDatabase('bench');
    const databaseUrl = postgres.urlFor('bench');
    await prepareDatabase(databaseUrl);
    prisma = createPrismaClient(databaseUrl);
    log(`writing the entitlements of ${customers} customers…`);
    const ids = await seedEntitlements(prisma, customers);
    const { key } = await createApiKey(prisma, { name: 'bench entitlements', scopes: ['read'] });
    // An idle connection PostgreSQL's shutdown ends before the pool does must not crash the bench.
    throttlePool = createThrottlePool(databaseUrl, () => undefined);
    // Limits far above what the bench sends: every request is counted, none refused.
    const throttles = createThrottles(throttlePool, { perAddressPerMinute: 10_000_000, perKeyPerMinute: 10_000_000, failedAuthLimit: 10, failedAuthWindowSeconds: 60 });
    const app = createApp(
      {
        prisma,
        // Never connected: this route reads the database only.
        temporal: new Client(),
        taskQueue: 'bench',
        // No sign-up is sent.
        signUpStarts: new SignUpStarts({ prisma, temporal: {} as Client, taskQueue: 'bench' }),
        policy: DEFAULT_POLICY,
        clock: async () => new Date(),
        links: { publicUrl: 'http://127.0.0.1', secret: 'bench-link-secret' },
        throttles,
      },
      // Request lines logged as `npm run api` logs them, to nowhere.
      { logger: pino({ level: 'info' }, pino.destination({ dest: os.devNull, sync: false })) },
    );
    server = await new Promise<http.Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

    log('warming up…');
    await measure(url, key, ids, 500, connections);
    log(`${requests} requests on one connection…`);
    const sequential = await measure(url, key, ids, requests, 1);
    log(`${requests} requests on ${connections} connections…`);
    const concurrent = await measure(url, key, ids, requests, connections);
    const one = describe(sequential);
    const many = describe(concurrent);
    const ms = (value: number) => `${fixed(value, 2)} ms`;
    return {
      title: 'Entitlements: GET /customers/:id/entitlements',
      rows: [
        ['customers with entitlements', String(customers)],
        ['requests, one connection', `${sequential.ms.length} in ${seconds(sequential.wallMs)}`],
        ['p50 / p99, one connection', `${ms(one.p50)} / ${ms(one.p99)}`],
        ['max, one connection', ms(one.max)],
        [`requests, ${connections} connections`, `${concurrent.ms.length} in ${seconds(concurrent.wallMs)}, ${fixed(many.perSecond, 0)} /s`],
        [`p50 / p99, ${connections} connections`, `${ms(many.p50)} / ${ms(many.p99)}`],
        ['non-200 answers', String(sequential.failures + concurrent.failures)],
        [`p99 goal (${GOAL_P99_MS} ms, one connection)`, one.p99 < GOAL_P99_MS ? 'met' : 'missed'],
      ],
      notes: [
        `Loopback HTTP/1.1 with keep-alive from this process to the API in this process (client and server share the cores), after 500 warm-up requests; each request asks for a random one of the customers, half of whom have two subscriptions.`,
        'The whole API stack as `npm run api` runs it: request log (pino, to /dev/null), the per-address and per-key throttles counted in PostgreSQL, the API-key check, then one primary-key read of CustomerEntitlement joined to Customer.',
        `Load average when it started: ${fixed(os.loadavg()[0] ?? 0, 2)} on ${machine().cores} cores.`,
      ],
    };
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await throttlePool?.end();
    await prisma?.$disconnect();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  entitlementsLatency().then(
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
