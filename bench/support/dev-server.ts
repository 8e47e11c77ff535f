// A throwaway Temporal dev server (in memory, or a SQLite file in the bench's temporary directory). The SDK's own
// launcher waits only 5 s for it, so this polls `temporal operator cluster health` instead.
import path from 'node:path';
import { freePort } from '../../infra/ports';
import { waitUntilTemporalHealthy } from '../../infra/temporal-health';
import { temporalCliPath } from '../../infra/tools';
import { startService, type Service } from './services';

export interface DevServer {
  address: string;
  service: Service;
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
  let exitCode: number | null = null;
  void service.exited.then(({ code }) => {
    exitCode = code ?? -1;
  });
  try {
    await waitUntilTemporalHealthy(cli, address, () => exitCode);
  } catch (error) {
    await service.stop();
    throw new Error(`${(error as Error).message}\n${service.tail()}`);
  }
  return { address, service };
}
