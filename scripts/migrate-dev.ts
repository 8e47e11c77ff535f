// `npm run db:migrate:dev -- --name <change>`: writes a new migration from prisma/schema.prisma.
// Works around the Prisma 6 wasm engine's limits (see prisma.config.ts): applies pending
// migrations first and provides a fixed shadow database.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { adminQuery, startEmbeddedPostgres } from '../infra/embedded-postgres';
import { migrateDeploy } from '../infra/migrate';

const root = path.resolve(__dirname, '..');
const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);

async function ensureDatabase(name: string): Promise<void> {
  await adminQuery(port, `CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
    if (error.code !== '42P04') throw error;
  });
}

async function main(): Promise<void> {
  if (process.env.DATABASE_URL && !process.env.SHADOW_DATABASE_URL) {
    throw new Error('with DATABASE_URL set, also set SHADOW_DATABASE_URL to an existing, disposable database');
  }
  const server = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'pg'), port, persistent: true });
  try {
    if (server) await Promise.all([ensureDatabase('subscriptions'), ensureDatabase('subscriptions_shadow')]);
    const databaseUrl = process.env.DATABASE_URL ?? server!.urlFor('subscriptions');
    const shadowUrl = process.env.SHADOW_DATABASE_URL ?? server!.urlFor('subscriptions_shadow');
    await migrateDeploy(databaseUrl);
    const cli = require.resolve('prisma/build/index.js', { paths: [root] });
    const result = spawnSync(process.execPath, [cli, 'migrate', 'dev', ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl, SHADOW_DATABASE_URL: shadowUrl },
    });
    process.exitCode = result.status ?? 1;
  } finally {
    await server?.stop();
  }
}

// process.exit() with the exit code set: embedded-postgres's exit hook (async-exit-hook) ends the
// process with 0 at beforeExit, which would report a failure as success.
main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
