// The engine every chaos scenario runs against: the bench stack (embedded PostgreSQL, a Temporal
// dev server on a SQLite file, the real API) with two TCP proxies the runner can switch off — one
// in front of PostgreSQL, one in front of a real SMTP server (the peer that counts deliveries) —
// and workers started from bench/chaos/support/chaos-worker.ts with faults chosen per start.
import { setTimeout as sleep } from 'node:timers/promises';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { SubscriptionPolicy } from '../../../domain/subscription';
import { isAlive } from '../../../infra/processes';
import { startSmtpCatcher, type SmtpCatcher } from '../../../simulator/smtp-catcher';
import { WORKFLOWS_PATH } from '../../../worker/worker';
import type { ApiTarget } from '../../support/api';
import { startDevServer } from '../../support/dev-server';
import { startNodeService, type Service } from '../../support/services';
import { startStack, type Stack } from '../../support/stack';
import { createChaosPlan } from './chaos-plan';
import { isWorkerBreak } from './faults';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export interface ChaosEnvironment {
  stack: Stack;
  /** The plan every scenario subscribes to (a period of a few seconds). */
  plan: { code: string; periodMs: number };
  /** Second-long dunning, so a subscription goes through dunning within a period. */
  policy: SubscriptionPolicy;
  database: TcpProxy;
  smtp: TcpProxy;
  /** The SMTP peer: every email that reached it, in arrival order. */
  peer: SmtpCatcher;
  /** Environment of the worker and API processes (through the proxies). */
  serviceEnv: NodeJS.ProcessEnv;
  /** A chaos worker; `faults` are CHAOS_* variables (see ./faults.ts). */
  startWorker(name: string, faults?: NodeJS.ProcessEnv): Promise<Service>;
  /** The product's own worker process (worker/index.ts), bundling its workflows itself. */
  startProductWorker(name: string): Promise<Service>;
  startApi(): Promise<ApiTarget & { service: Service }>;
  /** Stops the Temporal dev server (SIGTERM, or SIGKILL for a crash) and starts it again on the same port and file. */
  restartTemporal(downMs: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<{ startMs: number }>;
  /**
   * The same environment on another Temporal server (scenario 8's, on PostgreSQL): its client, and
   * workers and API started through it connect there; restartTemporal restarts that server.
   */
  onTemporal(server: OtherTemporal): ChaosEnvironment;
  /** A progress line on stderr when CHAOS_DEBUG is set. */
  debug(message: string): void;
  stop(): Promise<void>;
}

export interface OtherTemporal {
  address: string;
  client: Client;
  restart(downMs: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<{ startMs: number }>;
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export async function waitUntilDead(service: Service, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(service.pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export async function startChaosEnvironment(breakSwitch: string | undefined): Promise<ChaosEnvironment> {
  const startedAt = Date.now();
  const periodSeconds = Number(process.env.CHAOS_PERIOD_SECONDS ?? 10);
  const stack = await startStack('chaos', { temporalDb: 'file' });
  const services: Service[] = [];
  let devServer = stack.devServer;
  const closers: Array<() => Promise<void>> = [];
  try {
    const plan = await createChaosPlan(stack.prisma, periodSeconds);
    const bundlePath = path.join(stack.dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent as never })).code);

    const pgUrl = new URL(stack.databaseUrl);
    const database = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port) });
    const peer = await startSmtpCatcher();
    const smtp = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(peer.url).port) });
    closers.push(() => database.close(), () => smtp.close(), () => peer.close());
    const viaProxy = new URL(stack.databaseUrl);
    viaProxy.port = String(database.port);
    const serviceEnv: NodeJS.ProcessEnv = {
      ...stack.env,
      DATABASE_URL: viaProxy.toString(),
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      CHAOS_WORKFLOW_BUNDLE: bundlePath,
      // Several workers at once: no fixed metrics ports to collide on.
      WORKER_METRICS_PORT: '0',
      // Broken on purpose only in the "prove it" run (`CHAOS_BREAK=… npm run chaos`).
      ...(isWorkerBreak(breakSwitch) ? { CHAOS_BREAK: breakSwitch } : {}),
    };
    // The runner's own breaks (temporal-state, no-drain) are not the worker's business.
    if (!isWorkerBreak(breakSwitch)) delete serviceEnv.CHAOS_BREAK;
    const started = (service: Service) => {
      services.push(service);
      return service;
    };
    const environment: ChaosEnvironment = {
      stack,
      plan,
      policy: {
        dunning: { retryDelaysDays: [1, 1, 1, 1].map((seconds) => seconds / 86_400), finalAction: 'cancel' },
        trialReminderDays: 3,
        incompleteExpiryHours: 23,
      },
      database,
      smtp,
      peer,
      serviceEnv,
      startWorker: async (name, faults = {}) =>
        started(await startNodeService(name, 'bench/chaos/support/chaos-worker.ts', { ...serviceEnv, ...faults }, /chaos worker polling/)),
      startProductWorker: async (name) => started(await startNodeService(name, 'worker/index.ts', serviceEnv, /worker polling/)),
      async startApi() {
        const api = await stack.startApi({ DATABASE_URL: serviceEnv.DATABASE_URL, SMTP_URL: serviceEnv.SMTP_URL });
        return api;
      },
      onTemporal(server) {
        const env = { ...serviceEnv, TEMPORAL_ADDRESS: server.address };
        return {
          ...environment,
          stack: { ...stack, temporal: server.client, temporalAddress: server.address, env: { ...stack.env, TEMPORAL_ADDRESS: server.address } },
          serviceEnv: env,
          startWorker: async (name, faults = {}) => started(await startNodeService(name, 'bench/chaos/support/chaos-worker.ts', { ...env, ...faults }, /chaos worker polling/)),
          startProductWorker: async (name) => started(await startNodeService(name, 'worker/index.ts', env, /worker polling/)),
          startApi: () => stack.startApi({ DATABASE_URL: serviceEnv.DATABASE_URL, SMTP_URL: serviceEnv.SMTP_URL, TEMPORAL_ADDRESS: server.address }),
          restartTemporal: (downMs, signal = 'SIGTERM') => server.restart(downMs, signal),
        };
      },
      debug(message) {
        if (process.env.CHAOS_DEBUG) console.error(`[chaos ${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${message}`);
      },
      async restartTemporal(downMs, signal = 'SIGTERM') {
        const port = Number(devServer.address.split(':').pop());
        if (signal === 'SIGKILL') {
          process.kill(devServer.service.pid, 'SIGKILL');
          await devServer.service.exited;
        } else {
          await devServer.service.stop();
        }
        // The "prove it" run for scenario 2: the server comes back without its history.
        if (breakSwitch === 'temporal-state') for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(stack.dir, `temporal.db${suffix}`), { force: true });
        await sleep(downMs);
        const startedAt = Date.now();
        devServer = await startDevServer(stack.dir, port);
        return { startMs: Date.now() - startedAt };
      },
      async stop() {
        for (const service of services.splice(0).reverse()) await service.stop();
        await devServer.service.stop();
        for (const close of closers.splice(0)) await close().catch(() => undefined);
        await stack.stop();
      },
    };
    return environment;
  } catch (error) {
    for (const service of services) await service.stop();
    for (const close of closers) await close().catch(() => undefined);
    await stack.stop();
    throw error;
  }
}
