// A complete, throwaway engine for one bench: embedded PostgreSQL (migrated and seeded) and a
// Temporal dev server in a temporary directory, then the real worker and API as child processes,
// started as `npm start` starts them. Everything is stopped and deleted by stop().
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApiKey } from '../../api/auth-keys';
import { prepareDatabase, prepareTemporal } from '../../infra/bootstrap';
import { createPrismaClient, type PrismaClient } from '../../infra/database';
import { startEmbeddedPostgresOnFreePort } from '../../infra/embedded-postgres';
import { freePort } from '../../infra/ports';
import { startDevServer, type DevServer } from './dev-server';
import type { ApiTarget } from './api';
import { startNodeService, type Service } from './services';

export const NAMESPACE = 'default';
export const TASK_QUEUE = 'subscriptions';

export interface Stack {
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The dev server as started (the chaos runner restarts it on the same port and file). */
  devServer: DevServer;
  prisma: PrismaClient;
  temporal: Client;
  /** Environment for the worker and API processes. */
  env: NodeJS.ProcessEnv;
  /** The real worker (worker/index.ts), polling TASK_QUEUE. */
  startWorker(): Promise<Service>;
  /** The real API (api/index.ts) on a free port, with a key of `write` scope for the bench. */
  startApi(extraEnv?: NodeJS.ProcessEnv): Promise<ApiTarget & { service: Service }>;
  /** `error` with the warnings and errors the stack's services printed last, to see why it failed. */
  explain(error: unknown): Promise<Error>;
  stop(): Promise<void>;
}

/** `temporalDb`: `file` when the server must survive a restart (chaos); benches default to memory. */
export async function startStack(label: string, options: { temporalDb?: 'memory' | 'file' } = {}): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${label}-`));
  const stops: Array<() => Promise<void>> = [async () => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch((error: unknown) => console.error(`[bench] cleanup: ${String(error)}`));
  };
  try {
    // Both settle before anything is thrown: one that started while the other failed is stopped too.
    const [startedPostgres, startedDevServer] = await Promise.allSettled([
      startEmbeddedPostgresOnFreePort({ dataDir: path.join(dir, 'pg'), persistent: false }),
      // In memory unless asked for a file: SQLite's disk syncs would be measured, not the engine.
      startDevServer(dir, undefined, { inMemory: (options.temporalDb ?? process.env.BENCH_TEMPORAL_DB ?? 'memory') !== 'file' }),
    ]);
    if (startedPostgres.status === 'fulfilled') stops.push(() => startedPostgres.value.stop());
    if (startedDevServer.status === 'fulfilled') stops.push(() => startedDevServer.value.service.stop());
    if (startedPostgres.status === 'rejected') throw startedPostgres.reason;
    if (startedDevServer.status === 'rejected') throw startedDevServer.reason;
    const postgres = startedPostgres.value;
    const devServer = startedDevServer.value;
    await postgres.createDatabase('bench');
    const databaseUrl = postgres.urlFor('bench');
    await Promise.all([
      prepareDatabase(databaseUrl),
      prepareTemporal({ TEMPORAL_ADDRESS: devServer.address, TEMPORAL_NAMESPACE: NAMESPACE }),
    ]);
    const prisma = createPrismaClient(databaseUrl);
    const connection = await Connection.connect({ address: devServer.address });
    stops.push(() => prisma.$disconnect(), () => connection.close());
    const [workerMetricsPort, coreMetricsPort] = await Promise.all([freePort(), freePort()]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      OUTBOX_DIR: path.join(dir, 'outbox'),
      // Free ports: the defaults may be taken by `npm start` on the same machine.
      WORKER_METRICS_PORT: String(workerMetricsPort),
      TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${coreMetricsPort}`,
      // One key from one address sends every request: the limits would measure the limiter, not the engine.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    };
    // Receipts go to .eml files in the temporary directory, never to a real mail server.
    delete env.SMTP_URL;
    const services: Service[] = [devServer.service];
    const started = (service: Service) => {
      services.push(service);
      stops.push(() => service.stop());
      return service;
    };
    return {
      dir,
      databaseUrl,
      temporalAddress: devServer.address,
      devServer,
      prisma,
      temporal: new Client({ connection, namespace: NAMESPACE }),
      env,
      startWorker: async () => started(await startNodeService('worker', 'worker/index.ts', env, /worker polling/)),
      async startApi(extraEnv = {}) {
        const port = await freePort();
        const { key } = await createApiKey(prisma, { name: 'bench', scopes: ['write'] });
        const service = started(await startNodeService('API', 'api/index.ts', { ...env, ...extraEnv, PORT: String(port) }, /API listening on/));
        return { service, url: `http://127.0.0.1:${port}`, apiKey: key };
      },
      async explain(error) {
        // Lines still in the pipes (pino writes asynchronously) may hold the cause.
        await sleep(1000);
        const tails = services.map((service) => `--- ${service.name}: last warnings and errors ---\n${service.problems().slice(-10).join('\n')}`).join('\n');
        return new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${tails}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
