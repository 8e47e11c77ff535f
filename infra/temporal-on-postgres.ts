// Everything a real Temporal server on PostgreSQL needs before it starts, and the commands that
// start it and its Web UI: binaries (built once), databases and schemas, configuration files. The
// caller runs the commands (scripts/temporal-postgres.ts for `npm start`, the chaos runner for its
// restarts), waits for health, then calls `prepareNamespace`.
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from './temporal';
import { ensureNamespace } from './temporal-namespace';
import { writeTemporalServerConfig, type TemporalServerPorts } from './temporal-server-config';
import { postgresServerOf, prepareTemporalSchema } from './temporal-server-schema';
import { ensureTemporalServerTools, type TemporalServerTools } from './temporal-server-tools';

export interface Command {
  command: string;
  args: string[];
}

export interface TemporalOnPostgres {
  /** The frontend's gRPC address, for TEMPORAL_ADDRESS. */
  address: string;
  uiUrl: string;
  server: Command;
  ui: Command;
  /** Databases this call created (empty when they were there). */
  createdDatabases: string[];
}

export interface TemporalOnPostgresOptions {
  /** Any database URL on the PostgreSQL server to use: Temporal gets its own two databases there. */
  databaseUrl: string;
  /** Where the configuration files go. */
  dir: string;
  ports: TemporalServerPorts;
  uiPort: number;
  namespace: string;
  logLevel?: string;
  /** Binaries already found (else ensureTemporalServerTools builds or finds them). */
  tools?: TemporalServerTools;
}

export async function prepareTemporalOnPostgres(options: TemporalOnPostgresOptions): Promise<TemporalOnPostgres> {
  const tools = options.tools ?? ensureTemporalServerTools();
  const postgres = postgresServerOf(options.databaseUrl);
  const { createdDatabases } = await prepareTemporalSchema(tools, postgres);
  mkdirSync(options.dir, { recursive: true });
  const config = writeTemporalServerConfig(options.dir, { postgres, ports: options.ports, uiPort: options.uiPort, namespace: options.namespace, logLevel: options.logLevel });
  return {
    address: `127.0.0.1:${options.ports.frontend}`,
    uiUrl: `http://localhost:${options.uiPort}`,
    server: { command: tools.server, args: ['--config-file', config.serverConfig, '--allow-no-auth', 'start'] },
    ui: { command: tools.uiServer, args: ['--root', config.uiRoot, '--config', 'config', '--env', 'server', 'start'] },
    createdDatabases,
  };
}

const GRPC_NOT_FOUND = 5;

/** Once the server is healthy: its namespace and the engine's search attributes (idempotent). */
export async function prepareNamespace(connection: Connection, namespace: string, timeoutMs = 60_000): Promise<{ registered: boolean; addedSearchAttributes: string[] }> {
  const registered = await ensureNamespace(connection, namespace);
  // The search-attribute calls read the services' namespace cache, which may still hold a "not
  // found" from workers that polled while the namespace was missing: retried until it refreshes.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return { registered, addedSearchAttributes: await ensureSearchAttributes(connection, namespace) };
    } catch (error) {
      if ((error as { code?: number }).code !== GRPC_NOT_FOUND || Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}
