// One time-skipping environment (worker, database, SMTP, API) per test file, on a database cloned
// from the template the global setup migrated and seeded.
import type { Harness, HarnessOptions } from '../../simulator/environment';
import { startEnvironment } from '../../simulator/environment';
import { createTestDatabase } from './database';

export type { Harness } from '../../simulator/environment';
export { environmentApp as testApp, eventually, querySubscription, settled, TEST_LINKS } from '../../simulator/environment';

export function startHarness(options: Omit<HarnessOptions, 'database'> = {}): Promise<Harness> {
  return startEnvironment({ ...options, database: createTestDatabase });
}
