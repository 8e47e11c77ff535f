// A real Temporal dev server (the CLI's `server start-dev`, SQLite in a temporary file) for the few
// tests that need what the time-skipping test server lacks, such as visibility queries. It runs in
// real time: only for tests that do not wait for the calendar.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { freePort, retryWhilePortTaken } from '../../infra/ports';
import { temporalCliPath } from '../../infra/tools';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/contract';
import { installQuietRuntime } from '../../simulator/environment';
import { startSmtpCatcher, type SmtpCatcher } from '../../simulator/smtp-catcher';
import { createTestDatabase, type TestDatabase } from './database';
import { eventually } from './harness';

export interface DevServer {
  address: string;
  /** Stops the server and deletes its database file. */
  stop(): Promise<void>;
}

const CLI_TYPES = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' } as const;

/** The dev server exited while starting; `portTaken` when one of its ports was bound meanwhile. */
export class DevServerStartError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly log: string,
  ) {
    super(`the dev server exited (${exitCode}): ${log}`);
    this.name = 'DevServerStartError';
  }

  get portTaken(): boolean {
    return /address already in use/.test(this.log);
  }
}

/**
 * A dev server on free ports. Its internal services pick more ports of their own as it starts, and
 * another test file's server may take one of them first: then it tries again, up to three times.
 */
export function startDevServer(): Promise<DevServer> {
  return retryWhilePortTaken(startDevServerOnce, (error) => error instanceof DevServerStartError && error.portTaken);
}

async function startDevServerOnce(): Promise<DevServer> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI in .tools/bin (run scripts/setup-tools.sh) or TEMPORAL_CLI_PATH');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'subscription-engine-temporal-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = spawn(
    cli,
    [
      'server', 'start-dev',
      '--headless',
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--http-port', String(await freePort()),
      '--metrics-port', String(await freePort()),
      '--db-filename', path.join(dir, 'temporal.db'),
      '--log-level', 'error',
      // Registered at start: no wait for the namespace cache to learn them.
      ...SEARCH_ATTRIBUTE_KEYS.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPES[key.type]}`]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const outcome = await eventually(
      async () => {
        // A server that exited will not come up: stop waiting at once.
        if (server.exitCode !== null) return 'exited';
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return 'up';
        } finally {
          await connection.close();
        }
      },
      (state) => state !== undefined,
      `the Temporal dev server on ${address}`,
      // Two cores shared with three test files: the server's start can take a while.
      90_000,
    );
    if (outcome === 'exited') throw new DevServerStartError(server.exitCode, stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, stop };
}

/** A dev server with what its tests run against: a database copy, an SMTP catcher, a client and a worker connection. */
export interface DevServerStack {
  server: DevServer;
  db: TestDatabase;
  smtp: SmtpCatcher;
  client: Client;
  workerConnection: NativeConnection;
  /** Closes the connections, then stops the server, drops the database and closes the catcher. */
  stop(): Promise<void>;
}

export async function startDevServerStack(): Promise<DevServerStack> {
  installQuietRuntime();
  const [server, db, smtp] = await Promise.all([startDevServer(), createTestDatabase(), startSmtpCatcher()]);
  const released = () => Promise.all([server.stop(), db.drop(), smtp.close()]);
  let clientConnection: Connection | undefined;
  let workerConnection: NativeConnection;
  try {
    clientConnection = await Connection.connect({ address: server.address });
    workerConnection = await NativeConnection.connect({ address: server.address });
  } catch (error) {
    await clientConnection?.close();
    await released();
    throw error;
  }
  const connection = clientConnection;
  return {
    server,
    db,
    smtp,
    client: new Client({ connection, namespace: 'default' }),
    workerConnection,
    async stop() {
      await connection.close();
      await workerConnection.close();
      await released();
    },
  };
}
