// Prisma CLI configuration. The CLI runs its bundled wasm schema engine over @prisma/adapter-pg
// (engine: "js"), so migrations need no native engine download. The workarounds below are for
// the CLI only; the application's client is created in infra/database.ts.
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

// The CLI resolves env("DATABASE_URL") from the schema even for `generate`, and falls back to
// downloading a native engine when it is unset. Generating needs no database.
if (!process.env.DATABASE_URL && process.argv.includes('generate')) {
  process.env.DATABASE_URL = 'postgresql://generate-only@localhost/unused';
}

// The wasm engine leaves 10 s and 60 s timers behind, which keep every CLI command alive
// for about a minute after its work is done.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = setTimeoutOriginal(handler, ms, ...args);
  if ((ms ?? 0) >= 10_000) timer.unref();
  return timer;
}) as typeof setTimeout;

// prisma/orm#27403: introspection reads catalog columns of type `name` and `"char"`, which
// adapter-pg cannot decode. Their text form is exactly what the engine expects.
const CATALOG_TYPES_AS_TEXT: Record<number, number> = { 18: 25, 19: 25, 1002: 1009, 1003: 1009 };

function catalogColumnsAsText(result: pg.QueryResult | undefined): pg.QueryResult | undefined {
  for (const field of result?.fields ?? []) {
    field.dataTypeID = CATALOG_TYPES_AS_TEXT[field.dataTypeID] ?? field.dataTypeID;
  }
  return result;
}

class CatalogAsTextClient extends pg.Client {
  // pg.Pool calls this with a trailing callback; direct callers get a promise.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: Error | null, result?: pg.QueryResult) => void;
      args[last] = (error: Error | null, result?: pg.QueryResult) =>
        callback(error, error ? result : catalogColumnsAsText(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    return result instanceof Promise ? result.then(catalogColumnsAsText) : result;
  }
}

function poolFor(connectionString: string): pg.Pool {
  // allowExitOnIdle: idle pooled connections must not hold the CLI open after its work.
  return new pg.Pool({ connectionString, Client: CatalogAsTextClient, allowExitOnIdle: true });
}

// adapter-pg's temporary shadow database keeps the main database's name (the connection string
// wins over its `database` override), so `migrate dev` uses a fixed, pre-created one instead,
// emptied on every connect.
class FixedShadowDatabasePg extends PrismaPg {
  override async connectToShadowDb() {
    const url = process.env.SHADOW_DATABASE_URL;
    if (!url) {
      throw new Error('SHADOW_DATABASE_URL is not set; use `npm run db:migrate:dev`, which creates it');
    }
    const adapter = await new PrismaPg(poolFor(url), { disposeExternalPool: true }).connect();
    await adapter.executeScript('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return new FixedShadowDatabasePg(poolFor(url), { disposeExternalPool: true });
  },
});
