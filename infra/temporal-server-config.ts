// The configuration files of a single-node Temporal server on PostgreSQL (all four services in one
// process) and of its Web UI server. Written as JSON, which is YAML too: no YAML library needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_DATABASES, type PostgresServer } from './temporal-server-schema';

/** Every port the server listens on (gRPC and ringpop membership per service), all on 127.0.0.1. */
export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** `npm start`'s layout: nine ports from `base` on, clear of the dev server's 7233 and 7243. */
export function portsFrom(base: number): TemporalServerPorts {
  return {
    frontend: base,
    frontendHttp: base + 1,
    frontendMembership: base + 2,
    history: base + 3,
    historyMembership: base + 4,
    matching: base + 5,
    matchingMembership: base + 6,
    worker: base + 7,
    workerMembership: base + 8,
  };
}

// Fixed when the persistence database is created: changing it later breaks the cluster.
const HISTORY_SHARDS = 4;

/**
 * Server settings that differ from Temporal's defaults, and why. Updates and update-with-start,
 * which the API uses, are on by default in this server version.
 */
const DYNAMIC_CONFIG = {
  // Search attributes the bootstrap adds are usable at once, as on the dev server.
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
  // A namespace registered at start is known to every service within a second, not ten.
  'system.namespaceCacheRefreshInterval': [{ value: '1s', constraints: {} }],
};

function datastore(server: PostgresServer, database: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${server.host}:${server.port}`,
      connectProtocol: 'tcp',
      user: server.user,
      password: server.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function service(grpcPort: number, membershipPort: number, httpPort?: number) {
  return { rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...(httpPort ? { httpPort } : {}) } };
}

export function serverConfig(server: PostgresServer, ports: TemporalServerPorts, dynamicConfigFile: string, logLevel: string) {
  return {
    log: { stdout: true, level: logLevel, format: 'console' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(server, TEMPORAL_DATABASES.persistence, 20),
        'postgres-visibility': datastore(server, TEMPORAL_DATABASES.visibility, 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, ports.frontendHttp),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
          httpAddress: `127.0.0.1:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

export function uiServerConfig(frontendPort: number, uiPort: number, namespace: string) {
  return {
    temporalGrpcAddress: `127.0.0.1:${frontendPort}`,
    host: '127.0.0.1',
    port: uiPort,
    enableUi: true,
    defaultNamespace: namespace,
    cors: { cookieInsecure: true, allowOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`] },
    refreshInterval: '1m',
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    forwardHeaders: [],
  };
}

export interface WrittenConfig {
  /** For `temporal-server --config-file <serverConfig> --allow-no-auth start`. */
  serverConfig: string;
  /** For `temporal-ui-server --root <uiRoot> --env server start` (reads <uiRoot>/config/server.yaml). */
  uiRoot: string;
}

/** Writes the files under `dir`, readable by their owner only (they hold the database password). */
export function writeTemporalServerConfig(
  dir: string,
  options: { postgres: PostgresServer; ports: TemporalServerPorts; uiPort: number; namespace: string; logLevel?: string },
): WrittenConfig {
  const uiConfigDir = path.join(dir, 'ui', 'config');
  mkdirSync(uiConfigDir, { recursive: true });
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  const serverConfigFile = path.join(dir, 'server.yaml');
  const write = (file: string, content: unknown) => writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  write(dynamicConfigFile, DYNAMIC_CONFIG);
  write(serverConfigFile, serverConfig(options.postgres, options.ports, dynamicConfigFile, options.logLevel ?? 'warn'));
  write(path.join(uiConfigDir, 'server.yaml'), uiServerConfig(options.ports.frontend, options.uiPort, options.namespace));
  return { serverConfig: serverConfigFile, uiRoot: path.join(dir, 'ui') };
}
