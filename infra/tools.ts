// Where the binaries installed by scripts/setup-tools.sh are: Temporal's, and stripe-mock.
import { existsSync } from 'node:fs';
import path from 'node:path';

const TOOLS_BIN = path.resolve(__dirname, '..', '.tools', 'bin');

function resolveBinary(envVar: string, name: string): string | undefined {
  const explicit = process.env[envVar];
  if (explicit && existsSync(explicit)) return explicit;
  const installed = path.join(TOOLS_BIN, name);
  return existsSync(installed) ? installed : undefined;
}

/** The Temporal CLI (dev server + Web UI), or undefined when setup found none. */
export function temporalCliPath(): string | undefined {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal');
}

/**
 * The time-skipping test server for @temporalio/testing. Without a local binary the SDK
 * downloads one (needs internet).
 */
export function testServerExecutable(): { type: 'existing-path'; path: string } | { type: 'cached-download' } {
  const found = resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}

/** stripe-mock, which the Stripe gateway tests run (scripts/setup-stripe-mock.sh), or undefined when setup found none. */
export function stripeMockPath(): string | undefined {
  return resolveBinary('STRIPE_MOCK_PATH', 'stripe-mock');
}
