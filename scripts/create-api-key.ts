// `npm run apikey:create -- --scope write [--scope read] [--name ci]`: creates an API key and
// prints it once (the database keeps only its hash). The key alone goes to stdout, so
// `KEY=$(npm run -s apikey:create -- --scope read)` works; everything else goes to stderr.
// Uses DATABASE_URL, or else the embedded database of `npm start` under .data/pg (started for the
// moment if it is not running).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey, isScope, SCOPES, type Scope } from '../api/auth-keys';
import { createPrismaClient } from '../infra/database';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { migrateDeploy } from '../infra/migrate';

const USAGE = `usage: npm run apikey:create -- --scope <${SCOPES.join('|')}> [--scope …] [--name <name>]`;

class UsageError extends Error {}

function parse(): { scopes: Scope[]; name: string } {
  const { values } = parseArgs({
    options: { scope: { type: 'string', multiple: true }, name: { type: 'string' } },
    strict: true,
  });
  const given = values.scope ?? [];
  const unknown = given.filter((scope) => !isScope(scope));
  if (given.length === 0 || unknown.length > 0) {
    throw new UsageError(given.length === 0 ? 'at least one --scope is needed' : `unknown scope ${unknown.join(', ')}`);
  }
  const name = (values.name ?? 'unnamed').trim();
  if (name.length === 0 || name.length > 100) throw new UsageError('--name must be 1-100 characters');
  return { scopes: given.filter(isScope), name };
}

/** The database to write to, and how to let go of it afterwards. */
async function database(): Promise<{ url: string; release: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, release: async () => undefined };
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(__dirname, '..', '.data', 'pg'),
    port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329),
    persistent: true,
  });
  // A server `npm start` is running is shared: only one started here is stopped again.
  const release = server.startedHere ? () => server.stop() : async () => undefined;
  try {
    await server.createDatabase('subscriptions').catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // 42P04: already exists
    });
    const url = server.urlFor('subscriptions');
    await migrateDeploy(url);
    return { url, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function main(): Promise<void> {
  const { scopes, name } = parse();
  const { url, release } = await database();
  const prisma = createPrismaClient(url);
  try {
    const created = await createApiKey(prisma, { name, scopes });
    console.error(`created API key ${created.id} "${created.name}" (prefix ${created.prefix}) with scopes ${created.scopes.join(', ')}`);
    console.error('it is shown only now; send it as "Authorization: Bearer <key>"');
    console.log(created.key);
  } finally {
    await prisma.$disconnect();
    await release();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
