// `npm start`: everything needed to run the engine on one machine, offline.
//   - Temporal binaries (scripts/setup-tools.sh), unless TEMPORAL_ADDRESS points elsewhere
//   - PostgreSQL: embedded under .data/pg, unless DATABASE_URL is set
//   - the Temporal dev server with its SQLite file under .data/, and the Web UI; or, with
//     `--temporal=postgres` (TEMPORAL_BACKEND=postgres), the real Temporal server on the same
//     PostgreSQL and its Web UI (scripts/temporal-postgres.ts; built on first use)
//   - migrations, plan catalogue, search attributes
//   - the worker (`--workers=2`, WORKER_PROCESSES=2: several worker processes) and the API as
//     child processes
// Ctrl-C stops everything this script started. Data under .data/ survives restarts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ensureDevelopmentKey, prepareDatabase, prepareTemporal } from '../infra/bootstrap';
import { loadConfig } from '../infra/config';
import { isAlive, stopPid } from '../infra/processes';
import { temporalHealthy, waitUntilTemporalHealthy } from '../infra/temporal-health';
import { temporalCliPath } from '../infra/tools';

const root = path.resolve(__dirname, '..');
const dataDir = path.join(root, '.data');

const Options = z.object({
  /** `dev`: the CLI's dev server on SQLite; `postgres`: the real Temporal server on PostgreSQL. */
  temporal: z.enum(['dev', 'postgres']).default('dev'),
  workers: z.coerce.number().int().min(1).max(8).default(1),
});
const { values: flags } = parseArgs({ options: { temporal: { type: 'string' }, workers: { type: 'string' } } });
const options = Options.parse({ temporal: process.env.TEMPORAL_BACKEND, workers: process.env.WORKER_PROCESSES, ...flags });

const settings = {
  apiPort: Number(process.env.PORT ?? 3000),
  temporalPort: Number(process.env.TEMPORAL_DEV_PORT ?? 7233),
  uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  // Its own ports: a dev server started by another checkout keeps 7233 and 8233.
  postgresTemporalPort: Number(process.env.TEMPORAL_POSTGRES_PORT ?? 7333),
  postgresUiPort: Number(process.env.TEMPORAL_POSTGRES_UI_PORT ?? 8333),
  postgresPort: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329),
  database: 'subscriptions',
};

const log = (message: string) => console.log(`[start] ${message}`);
const cleanups: Array<() => Promise<void>> = [];
const children: ChildProcess[] = [];
let stopping = false;

async function databaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) {
    log('using DATABASE_URL');
    return process.env.DATABASE_URL;
  }
  const service = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts', 'postgres-service.ts'), path.join(dataDir, 'pg'), String(settings.postgresPort), settings.database],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], detached: true },
  );
  cleanups.push(() => stopChild(service));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    service.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    });
    service.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}`)));
  });
  log(`PostgreSQL (embedded) on port ${settings.postgresPort}, data in .data/pg`);
  return url;
}

async function temporalAddress(): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) {
    log(`using Temporal at ${process.env.TEMPORAL_ADDRESS}`);
    return process.env.TEMPORAL_ADDRESS;
  }
  execFileSync('bash', [path.join(root, 'scripts', 'setup-tools.sh')], { stdio: 'inherit' });
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI: set TEMPORAL_CLI_PATH, or TEMPORAL_ADDRESS to a running server');
  const address = `127.0.0.1:${settings.temporalPort}`;
  const pidFile = path.join(dataDir, 'temporal-dev-server.pid');
  if (await temporalHealthy(cli, address)) {
    log(`reusing the Temporal server already answering on ${address}`);
    // Left behind by a run of this script that was killed: stop it with everything else.
    const orphan = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
    if (Number.isInteger(orphan) && isAlive(orphan)) cleanups.push(() => stopPid(orphan));
    return address;
  }
  const server = spawn(
    cli,
    [
      'server', 'start-dev',
      '--db-filename', path.join(dataDir, 'temporal.db'),
      '--port', String(settings.temporalPort),
      '--ui-port', String(settings.uiPort),
      '--namespace', 'default',
      '--log-level', 'warn',
    ],
    // Its own process group: Ctrl-C reaches the worker first, and the server stops after it drained.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  // While it shuts down the dev server logs a burst of harmless dial errors (temporal#6210).
  for (const stream of [server.stdout, server.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      if (!stopping) process.stdout.write(chunk);
    });
  }
  cleanups.push(() => stopChild(server));
  if (server.pid) writeFileSync(pidFile, String(server.pid));
  await waitUntilTemporalHealthy(cli, address, () => server.exitCode);
  log(`Temporal dev server on ${address}, history in .data/temporal.db`);
  return address;
}

/** The real Temporal server on the PostgreSQL server of `databaseUrl`, run by scripts/temporal-postgres.ts. */
async function temporalOnPostgres(databaseUrl: string): Promise<{ address: string; uiUrl: string }> {
  const args = [
    '--database-url', databaseUrl,
    '--data-dir', path.join(dataDir, 'temporal-postgres'),
    '--port', String(settings.postgresTemporalPort),
    '--ui-port', String(settings.postgresUiPort),
  ];
  const service = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'temporal-postgres.ts'), ...args], {
    // Its own process group, like the dev server: it stops after the workers drained.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    detached: true,
  });
  cleanups.push(() => stopChild(service));
  const ready = await new Promise<{ address: string; uiUrl: string }>((resolve, reject) => {
    let output = '';
    service.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^ready (\S+) (\S+)$/m.exec(output);
      if (line?.[1] && line[2]) resolve({ address: line[1], uiUrl: line[2] });
    });
    service.once('exit', (code) => reject(new Error(`the Temporal server on PostgreSQL exited with code ${code}`)));
  });
  log(`Temporal server on PostgreSQL at ${ready.address} (databases temporal, temporal_visibility)`);
  return ready;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function startService(name: string, entry: string, env: NodeJS.ProcessEnv): void {
  // Own process group: only this script forwards Ctrl-C, exactly once, so the worker can drain.
  // The IPC channel lets the child notice if this script dies without stopping it.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping everything`);
    void shutdown(1);
  });
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(children.map(stopChild));
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(String(error)));
  log('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  // Ctrl-C reaches npm, tsx and this process, often more than once: every signal after the
  // first must not cut the orderly shutdown short.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

  let url: string;
  let address: string;
  let uiUrl = `http://localhost:${settings.uiPort}`;
  if (options.temporal === 'postgres' && !process.env.TEMPORAL_ADDRESS) {
    // The server's databases live on the engine's PostgreSQL: it must be up first.
    url = await databaseUrl();
    execFileSync('bash', [path.join(root, 'scripts', 'setup-tools.sh')], { stdio: 'inherit' });
    ({ address, uiUrl } = await temporalOnPostgres(url));
  } else {
    [url, address] = await Promise.all([databaseUrl(), temporalAddress()]);
  }
  const { plans } = await prepareDatabase(url);
  log(`database migrated; ${plans} plans in the catalogue`);
  const keyFile = path.join(dataDir, 'dev-api-key');
  const devKey = await ensureDevelopmentKey(url, keyFile);
  if (devKey) log(`created a development admin API key (shown once; also in .data/dev-api-key):\n\n    ${devKey}\n`);
  else if (existsSync(keyFile)) log('API key for development: .data/dev-api-key');
  const { addedSearchAttributes } = await prepareTemporal(loadConfig({ ...process.env, DATABASE_URL: url, TEMPORAL_ADDRESS: address }));
  if (addedSearchAttributes.length > 0) log(`registered search attributes: ${addedSearchAttributes.join(', ')}`);

  const outboxDir = path.resolve(root, process.env.OUTBOX_DIR ?? path.join('.data', 'outbox'));
  // Development: webhooks may go to http:// receivers on this machine or network (never the default).
  const allowPrivateTargets = process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? 'true';
  const env = { ...process.env, DATABASE_URL: url, TEMPORAL_ADDRESS: address, PORT: String(settings.apiPort), OUTBOX_DIR: outboxDir, WEBHOOK_ALLOW_PRIVATE_TARGETS: allowPrivateTargets };
  for (let index = 0; index < options.workers; index += 1) {
    // Each further worker gets the next pair of metrics ports (9466 and 9467 for the second…).
    const firstMetricsPort = Number(process.env.WORKER_METRICS_PORT ?? 9464);
    const metricsPort = firstMetricsPort + 2 * index;
    const metrics = index === 0 || firstMetricsPort === 0 ? {} : { WORKER_METRICS_PORT: String(metricsPort), TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort + 1}` };
    startService(options.workers === 1 ? 'worker' : `worker ${index + 1}`, 'worker/index.ts', { ...env, ...metrics });
  }
  startService('API', 'api/index.ts', env);

  log(`API:         http://localhost:${settings.apiPort}  (try: curl -H "Authorization: Bearer $(cat .data/dev-api-key)" localhost:${settings.apiPort}/plans)`);
  log(`Portal:      http://localhost:${settings.apiPort}/portal  (customers sign in by email link: see Emails below)`);
  if (!process.env.TEMPORAL_ADDRESS) log(`Temporal UI: ${uiUrl}`);
  log(`Emails:      ${process.env.SMTP_URL ? `sent through ${process.env.SMTP_URL.replace(/\/\/[^@/]*@/, '//***@')}` : `written as .eml files to ${path.relative(root, outboxDir) || outboxDir} (set SMTP_URL to deliver)`}`);
  if (allowPrivateTargets === 'true') log('Webhooks:    http:// and local targets allowed (development; WEBHOOK_ALLOW_PRIVATE_TARGETS=false to refuse them)');
  log('Ctrl-C stops everything');
}

main().catch(async (error: unknown) => {
  console.error(error);
  await shutdown(1);
});
