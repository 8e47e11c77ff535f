import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { WORKFLOW_BUNDLE_FILE_VARIABLE } from '../../simulator/environment';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  const template = process.env.TEST_DATABASE_TEMPLATE;
  if (adminUrl && template) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.end();
  }
  await globalThis.__TEST_POSTGRES_STOP__?.();
  const bundle = process.env[WORKFLOW_BUNDLE_FILE_VARIABLE];
  if (bundle) rmSync(path.dirname(bundle), { recursive: true, force: true });
}
