// One time-skipping environment (worker, database, SMTP, API) per test file, on a database cloned
// from the template the global setup migrated and seeded.
import { createApiKey, type CreatedKey, type Scope } from '../../api/auth-keys';
import type { Harness, HarnessOptions } from '../../simulator/environment';
import { startEnvironment } from '../../simulator/environment';
import { createTestDatabase } from './database';

export type { Harness } from '../../simulator/environment';
export {
  environmentApp as testApp,
  environmentRawApp as rawTestApp,
  eventually,
  querySubscription,
  retireSubscription,
  retireSubscriptions,
  settled,
  TEST_LINKS,
} from '../../simulator/environment';

/** A key with exactly these scopes in the harness database, for access-control tests with rawTestApp. */
export function createTestApiKey(h: Harness, scopes: Scope[], name = `test ${scopes.join('+')}`): Promise<CreatedKey> {
  return createApiKey(h.db.prisma, { name, scopes });
}

export function startHarness(options: Omit<HarnessOptions, 'database'> = {}): Promise<Harness> {
  return startEnvironment({ ...options, database: createTestDatabase });
}
