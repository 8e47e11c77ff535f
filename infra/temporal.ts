// Connections to Temporal (local dev server, a self-hosted cluster or Temporal Cloud) and the
// registration of the custom search attributes the workflows upsert.
import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/contract';
import type { AppConfig } from './config';

type TemporalConfig = Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_API_KEY'>;

/** Options shared by the client Connection and the worker's NativeConnection. */
export function temporalConnectionOptions(config: TemporalConfig): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const { TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: keyPath, TEMPORAL_API_KEY: apiKey } = config;
  const mtls =
    certPath && keyPath
      ? { clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) } }
      : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(mtls ? { tls: mtls } : apiKey ? { tls: true } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

export async function connectTemporal(config: TemporalConfig): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(config));
}

const INDEXED_VALUE_TYPES = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

const GRPC_UNIMPLEMENTED = 12;

async function registeredSearchAttributes(connection: Connection, namespace: string): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (error) {
    // The time-skipping test server can add search attributes but not list them.
    if ((error as { code?: number }).code === GRPC_UNIMPLEMENTED) return new Set();
    throw error;
  }
}

/** Adds the search attributes the server does not know yet (servers reject unknown upserts). */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const known = await registeredSearchAttributes(connection, namespace);
  const missing = SEARCH_ATTRIBUTE_KEYS.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
  });
  return missing.map((key) => key.name);
}
