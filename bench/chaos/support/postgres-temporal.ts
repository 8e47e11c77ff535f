// The real Temporal server on the chaos stack's embedded PostgreSQL (databases `temporal` and
// `temporal_visibility` next to the engine's), for scenario 8: started, stopped (SIGTERM, or
// SIGKILL for a crash) and started again on the same ports and databases. No Web UI: nobody looks.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../../infra/ports';
import { prepareNamespace, prepareTemporalOnPostgres, type TemporalOnPostgres } from '../../../infra/temporal-on-postgres';
import { waitUntilTemporalHealthy } from '../../../infra/temporal-health';
import { TEMPORAL_DATABASES, postgresServerOf, prepareTemporalSchema } from '../../../infra/temporal-server-schema';
import type { TemporalServerPorts } from '../../../infra/temporal-server-config';
import { ensureTemporalServerTools } from '../../../infra/temporal-server-tools';
import { adminSql } from '../../../infra/embedded-postgres';
import { temporalCliPath } from '../../../infra/tools';
import { startService, type Service } from '../../support/services';
import { NAMESPACE } from '../../support/stack';

export interface PostgresTemporal {
  address: string;
  client: Client;
  /** How long building (or finding) the binaries took: minutes the first time, then well under a second. */
  toolsMs: number;
  /** Stops the server and starts it again after `downMs`; `startMs` is until it is healthy again. */
  restart(downMs: number, signal: 'SIGTERM' | 'SIGKILL', options?: { emptyDatabase?: boolean }): Promise<{ startMs: number }>;
  /** The server's last lines, to see why something failed. */
  tail(): string;
  stop(): Promise<void>;
}

/** A free port below 32768: the server stores membership ports in a smallint column. */
function freeLowPort(taken: Set<number>): Promise<number> {
  const candidate = 20_000 + Math.floor(Math.random() * 12_000);
  if (taken.has(candidate)) return freeLowPort(taken);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(freeLowPort(taken)));
    server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(candidate)));
  });
}

async function freePorts(): Promise<TemporalServerPorts> {
  const names = ['frontend', 'frontendHttp', 'frontendMembership', 'history', 'historyMembership', 'matching', 'matchingMembership', 'worker', 'workerMembership'] as const;
  const ports = new Set<number>();
  while (ports.size < names.length) ports.add(await freeLowPort(ports));
  const list = [...ports];
  return Object.fromEntries(names.map((name, index) => [name, list[index]!])) as unknown as TemporalServerPorts;
}

export async function startPostgresTemporal(databaseUrl: string, dir: string): Promise<PostgresTemporal> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI in .tools/bin to check the server health with: run `npm run setup`');
  const toolsStarted = Date.now();
  // No Web UI is started here: its binary need not be built.
  const tools = ensureTemporalServerTools({ ui: false });
  const toolsMs = Date.now() - toolsStarted;
  const temporal: TemporalOnPostgres = await prepareTemporalOnPostgres({
    databaseUrl,
    tools,
    dir: path.join(dir, 'temporal-postgres'),
    ports: await freePorts(),
    uiPort: await freePort(),
    namespace: NAMESPACE,
    logLevel: 'error',
  });

  const launch = async (): Promise<Service> => {
    const service = await startService({ name: 'temporal server (postgres)', command: temporal.server.command, args: temporal.server.args });
    let exitCode: number | null = null;
    void service.exited.then(({ code }) => {
      exitCode = code ?? -1;
    });
    try {
      await waitUntilTemporalHealthy(cli, temporal.address, () => exitCode, 120_000);
    } catch (error) {
      await service.stop();
      throw new Error(`${(error as Error).message}\n${service.tail()}`);
    }
    return service;
  };

  let server = await launch();
  const connection = await Connection.connect({ address: temporal.address });
  await prepareNamespace(connection, NAMESPACE);
  return {
    address: temporal.address,
    client: new Client({ connection, namespace: NAMESPACE }),
    toolsMs,
    async restart(downMs, signal, options = {}) {
      if (signal === 'SIGKILL') {
        process.kill(server.pid, 'SIGKILL');
        await server.exited;
      } else {
        await server.stop();
      }
      // The "prove it" run (CHAOS_BREAK=temporal-state): the server comes back on an empty database.
      if (options.emptyDatabase) {
        await adminSql(databaseUrl, `DROP DATABASE IF EXISTS "${TEMPORAL_DATABASES.persistence}" WITH (FORCE)`);
        await prepareTemporalSchema(tools, postgresServerOf(databaseUrl));
      }
      await sleep(downMs);
      const startedAt = Date.now();
      server = await launch();
      const startMs = Date.now() - startedAt;
      await prepareNamespace(connection, NAMESPACE);
      return { startMs };
    },
    tail: () => server.tail(),
    async stop() {
      await connection.close();
      await server.stop();
    },
  };
}
