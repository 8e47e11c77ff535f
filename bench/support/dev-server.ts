// A throwaway Temporal dev server (in memory, or a SQLite file in the bench's temporary directory). The SDK's own
// launcher waits only 5 s for it, so this polls `temporal operator cluster health` instead.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../infra/ports';
import { temporalCliPath } from '../../infra/tools';
import { startService, type Service } from './services';

const run = promisify(execFile);

export interface DevServer {
  address: string;
  service: Service;
}

async function healthy(cli: string, address: string): Promise<boolean> {
  try {
    await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `port`: to restart a stopped server on the same address (and the same SQLite file in `dir`).
 * `inMemory`: no SQLite file at all (nothing survives a restart, nothing waits on disk syncs).
 */
export async function startDevServer(dir: string, port?: number, options: { inMemory?: boolean } = {}): Promise<DevServer> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI in .tools/bin: run `npm run setup` (or set TEMPORAL_CLI_PATH)');
  port ??= await freePort();
  const address = `127.0.0.1:${port}`;
  const service = await startService({
    name: 'temporal dev server',
    command: cli,
    args: [
      'server', 'start-dev', '--headless',
      ...(options.inMemory ? [] : ['--db-filename', path.join(dir, 'temporal.db')]),
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--log-level', 'error',
    ],
  });
  const deadline = Date.now() + 60_000;
  while (!(await healthy(cli, address))) {
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`the Temporal dev server did not become healthy within 60 s\n${service.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { address, service };
}
