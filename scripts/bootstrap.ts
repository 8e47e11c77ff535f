// `npm run bootstrap`: migrate + seed the database and register search attributes, for
// deployments (docker-compose runs it once before the worker and API). Waits for both
// dependencies to come up.
import { prepareDatabase, prepareTemporal } from '../infra/bootstrap';
import { loadConfig } from '../infra/config';

async function withRetries<T>(what: string, attempt: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      console.log(`[bootstrap] ${what} not ready yet (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { plans } = await withRetries('database', () => prepareDatabase(config.DATABASE_URL));
  console.log(`[bootstrap] database migrated; ${plans} plans in the catalogue`);
  const { addedSearchAttributes } = await withRetries('Temporal', () => prepareTemporal(config));
  console.log(`[bootstrap] search attributes registered: ${addedSearchAttributes.join(', ') || 'none missing'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
