// Whether a Temporal server answers, asked with the CLI's `operator cluster health`: the SDK's own
// launcher gives a server only 5 s to come up, so scripts that start a dev server poll this instead.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function temporalHealthy(cli: string, address: string): Promise<boolean> {
  try {
    await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls until the server at `address` is healthy. Throws when `exited()` reports the server
 * process gone (its exit code) or after `timeoutMs`.
 */
export async function waitUntilTemporalHealthy(cli: string, address: string, exited: () => number | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await temporalHealthy(cli, address))) {
    const code = exited();
    if (code !== null) throw new Error(`the Temporal server exited with code ${code}`);
    if (Date.now() > deadline) throw new Error(`the Temporal server did not become healthy within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}
