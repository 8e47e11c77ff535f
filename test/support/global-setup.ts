// Once per `npm test`: a PostgreSQL server (embedded unless TEST_DATABASE_ADMIN_URL points at
// one) and a migrated, seeded template database that each test file clones.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPrismaClient } from '../../infra/database';
import { scratchDirectory, startEmbeddedPostgresOnFreePort } from '../../infra/embedded-postgres';
import { migrateDeploy } from '../../infra/migrate';
import { seedCatalogue } from '../../prisma/seed';
import { bundleProductionWorkflows, WORKFLOW_BUNDLE_FILE_VARIABLE } from '../../simulator/environment';

declare global {
  var __TEST_POSTGRES_STOP__: (() => Promise<void>) | undefined;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Webpack once for the whole run instead of once per test file (tests read the file). */
async function bundleOnce(): Promise<void> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'subscription-engine-bundle-')), 'workflows.json');
  writeFileSync(file, JSON.stringify(await bundleProductionWorkflows()));
  process.env[WORKFLOW_BUNDLE_FILE_VARIABLE] = file;
}

export default async function globalSetup(): Promise<void> {
  const bundled = bundleOnce();
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    const server = await startEmbeddedPostgresOnFreePort({
      dataDir: path.join(scratchDirectory('subscription-engine-pg-'), 'data'),
      persistent: false,
      scratch: true,
    });
    globalThis.__TEST_POSTGRES_STOP__ = () => server.stop();
    process.env.TEST_DATABASE_SCRATCH = 'true';
    adminUrl = server.urlFor('postgres');
  }

  const template = `test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();

  const templateUrl = withDatabase(adminUrl, template);
  await migrateDeploy(templateUrl);
  const prisma = createPrismaClient(templateUrl);
  await seedCatalogue(prisma);
  await prisma.$disconnect();

  await bundled;
  process.env.TEST_DATABASE_ADMIN_URL = adminUrl;
  process.env.TEST_DATABASE_TEMPLATE = template;
}
