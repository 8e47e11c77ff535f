// A throwaway database for one simulation: on the server at SIMULATOR_DATABASE_ADMIN_URL when set,
// otherwise on an embedded PostgreSQL in a temporary directory; migrated and seeded, dropped after.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { prepareDatabase } from '../infra/bootstrap';
import { createPrismaClient } from '../infra/database';
import { adminSql, startEmbeddedPostgres } from '../infra/embedded-postgres';
import { freePort } from '../infra/ports';
import type { Database } from './environment';

export async function throwawayDatabase(): Promise<Database> {
  let adminUrl = process.env.SIMULATOR_DATABASE_ADMIN_URL;
  let stopServer: () => Promise<void> = async () => undefined;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'subscription-simulator-')), 'pg'),
      port: await freePort(),
      persistent: false,
    });
    adminUrl = server.urlFor('postgres');
    stopServer = () => server.stop();
  }
  const name = `simulation_${randomBytes(6).toString('hex')}`;
  await adminSql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  const prisma = createPrismaClient(url.toString());
  return {
    url: url.toString(),
    prisma,
    async drop() {
      await prisma.$disconnect();
      await adminSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await stopServer();
    },
  };
}
