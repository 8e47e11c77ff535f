// Throwaway databases for simulations: on the server at SIMULATOR_DATABASE_ADMIN_URL when set,
// otherwise on an embedded PostgreSQL in a temporary directory; migrated and seeded, dropped after.
// A pool serves many simulations in one process (`npm run simulate -- a.json b.json …`): one
// server, and a database migrated and seeded once that each simulation's database is copied from
// (or, with SIMULATOR_DATABASE_TEMPLATE, one the caller migrated and seeded on that server).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { prepareDatabase } from '../infra/bootstrap';
import { createPrismaClient } from '../infra/database';
import { adminSql, scratchDirectory, startEmbeddedPostgresOnFreePort } from '../infra/embedded-postgres';
import type { Database } from './environment';

export interface DatabasePool {
  /** A fresh, migrated and seeded database; `drop()` removes it. */
  database(): Promise<Database>;
  /** Removes the template and stops the embedded server, if the pool started one. */
  close(): Promise<void>;
}

const uniqueName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

function urlOf(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const given = process.env.SIMULATOR_DATABASE_ADMIN_URL;
  if (given) return { adminUrl: given, stop: async () => undefined };
  const server = await startEmbeddedPostgresOnFreePort({
    dataDir: path.join(scratchDirectory('subscription-simulator-'), 'pg'),
    persistent: false,
    scratch: true,
  });
  return { adminUrl: server.urlFor('postgres'), stop: () => server.stop() };
}

function openDatabase(adminUrl: string, name: string, after: () => Promise<void>): Database {
  const url = urlOf(adminUrl, name);
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await adminSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await after();
    },
  };
}

/** One database for one simulation, on a server of its own unless SIMULATOR_DATABASE_ADMIN_URL is set. */
export async function throwawayDatabase(): Promise<Database> {
  const server = await adminServer();
  const name = uniqueName('simulation');
  await adminSql(server.adminUrl, `CREATE DATABASE "${name}"`);
  await prepareDatabase(urlOf(server.adminUrl, name));
  return openDatabase(server.adminUrl, name, server.stop);
}

/** Databases for many simulations: the server starts and the template is migrated on first use. */
export function databasePool(): DatabasePool {
  let ready: Promise<{ adminUrl: string; stop: () => Promise<void>; template: string; owned: boolean }> | undefined;
  const prepare = async () => {
    const server = await adminServer();
    const given = process.env.SIMULATOR_DATABASE_TEMPLATE;
    // A migrated, seeded database the caller keeps (the test suite's template): copied, never dropped.
    if (given) return { ...server, template: given, owned: false };
    const template = uniqueName('simulation_template');
    await adminSql(server.adminUrl, `CREATE DATABASE "${template}"`);
    await prepareDatabase(urlOf(server.adminUrl, template));
    // A database is copied only while nobody is connected to it: the migration's idle pool is
    // closed, and nothing may connect again.
    await adminSql(server.adminUrl, `ALTER DATABASE "${template}" WITH ALLOW_CONNECTIONS false`);
    await adminSql(server.adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${template}'`);
    return { ...server, template, owned: true };
  };
  return {
    async database() {
      ready ??= prepare();
      const { adminUrl, template } = await ready;
      const name = uniqueName('simulation');
      // A copy of the migrated, seeded template: a file copy, not a migration per simulation.
      await adminSql(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return openDatabase(adminUrl, name, async () => undefined);
    },
    async close() {
      if (!ready) return;
      const { adminUrl, stop, template, owned } = await ready;
      if (owned) await adminSql(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await stop();
    },
  };
}
