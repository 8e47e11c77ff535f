// The real Temporal server's two PostgreSQL databases: created when missing, their schemas set up
// and brought to the version of the built server with its own SQL tool, as Temporal's auto-setup
// image does. Idempotent: a database already at the newest version is left as it is.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TemporalServerTools } from './temporal-server-tools';

const run = promisify(execFile);

export const TEMPORAL_DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;

/** Where a database of the same server as `databaseUrl` lives, split as the SQL tool wants it. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function postgresServerOf(databaseUrl: string): PostgresServer {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

async function withDatabase<T>(server: PostgresServer, database: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...server, database });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(server: PostgresServer, name: string): Promise<boolean> {
  return withDatabase(server, 'postgres', async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

/** `setup-schema -v 0.0` writes version 0.0 over whatever is recorded: run it only on a new database. */
async function hasSchemaVersion(server: PostgresServer, database: string): Promise<boolean> {
  return withDatabase(server, database, async (client) => {
    const table = await client.query("SELECT to_regclass('public.schema_version') IS NOT NULL AS present");
    if (!table.rows[0]?.present) return false;
    const row = await client.query('SELECT 1 FROM schema_version WHERE version_partition = 0 AND db_name = $1', [database]);
    return (row.rowCount ?? 0) > 0;
  });
}

async function sqlTool(tools: TemporalServerTools, server: PostgresServer, database: string, args: string[]): Promise<void> {
  const connection = ['--plugin', 'postgres12', '--ep', server.host, '--port', String(server.port), '--user', server.user, '--database', database];
  // The password goes through the environment, not the command line other users can read.
  await run(tools.sqlTool, [...connection, ...args], { env: { ...process.env, SQL_PASSWORD: server.password } });
}

export interface SchemaReport {
  createdDatabases: string[];
}

export async function prepareTemporalSchema(tools: TemporalServerTools, server: PostgresServer): Promise<SchemaReport> {
  const createdDatabases: string[] = [];
  for (const [schema, database] of [['temporal', TEMPORAL_DATABASES.persistence], ['visibility', TEMPORAL_DATABASES.visibility]] as const) {
    if (await ensureDatabase(server, database)) createdDatabases.push(database);
    if (!(await hasSchemaVersion(server, database))) await sqlTool(tools, server, database, ['setup-schema', '-v', '0.0']);
    // Applies only the versions newer than the recorded one: a no-op on a database already current.
    await sqlTool(tools, server, database, ['update-schema', '-d', path.join(tools.postgresSchemaDir, schema, 'versioned')]);
  }
  return { createdDatabases };
}
