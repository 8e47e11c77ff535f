// The configuration `npm start -- --temporal=postgres` and chaos scenario 8 give the real Temporal
// server: both stores on PostgreSQL's postgres12 driver, every service on its own port on the
// loopback address, clear of the dev server's, and the files that hold the password private.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresServerOf } from '../../infra/temporal-server-schema';
import { portsFrom, writeTemporalServerConfig } from '../../infra/temporal-server-config';

const postgres = postgresServerOf('postgresql://postgres:p%40ss@127.0.0.1:54329/subscriptions');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the database URL is split as the SQL tool and the server want it, the password decoded', () => {
  expect(postgres).toEqual({ host: '127.0.0.1', port: 54329, user: 'postgres', password: 'p@ss' });
});

test("npm start's nine server ports follow the frontend's, clear of the dev server's and below 32768", () => {
  const ports = Object.values(portsFrom(7333));
  expect(new Set(ports).size).toBe(9);
  expect(Math.min(...ports)).toBe(7333);
  expect(Math.max(...ports)).toBe(7341);
  expect(Math.max(...ports)).toBeLessThan(32_768);
  expect(ports).not.toContain(7233);
  expect(ports).not.toContain(7243);
});

test('persistence and visibility both go to PostgreSQL, in their own databases, and the files are private', () => {
  const written = writeTemporalServerConfig(dir, { postgres, ports: portsFrom(7333), uiPort: 8333, namespace: 'default' });
  // JSON is YAML: the server reads the file as it was written.
  const config = JSON.parse(readFileSync(written.serverConfig, 'utf8'));
  const stores = config.persistence.datastores;
  expect(stores[config.persistence.defaultStore].sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal', connectAddr: '127.0.0.1:54329', password: 'p@ss' });
  expect(stores[config.persistence.visibilityStore].sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal_visibility' });
  expect(config.services.frontend.rpc).toMatchObject({ grpcPort: 7333, bindOnIP: '127.0.0.1' });
  expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:7333');
  expect(statSync(written.serverConfig).mode & 0o077).toBe(0);

  const ui = JSON.parse(readFileSync(path.join(written.uiRoot, 'config', 'server.yaml'), 'utf8'));
  expect(ui).toMatchObject({ temporalGrpcAddress: '127.0.0.1:7333', port: 8333, enableUi: true, defaultNamespace: 'default' });
});
