// What a fresh environment needs before the worker and API start: migrated and seeded database,
// search attributes registered on the Temporal namespace. Idempotent.
import { writeFileSync } from 'node:fs';
import { createApiKey } from '../api/auth-keys';
import { seedCatalogue } from '../prisma/seed';
import type { AppConfig } from './config';
import { createPrismaClient } from './database';
import { migrateDeploy } from './migrate';
import { connectTemporal, ensureSearchAttributes } from './temporal';

export async function prepareDatabase(databaseUrl: string): Promise<Awaited<ReturnType<typeof seedCatalogue>>> {
  await migrateDeploy(databaseUrl);
  const prisma = createPrismaClient(databaseUrl);
  try {
    return seedCatalogue(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

export async function prepareTemporal(
  config: Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_API_KEY'>,
): Promise<{ addedSearchAttributes: string[] }> {
  const connection = await connectTemporal(config);
  try {
    return { addedSearchAttributes: await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE) };
  } finally {
    await connection.close();
  }
}

/**
 * `npm start` on a database without any API key: an admin key for the developer, written to
 * `file` (readable by its owner only) so that curl works at once. Undefined when keys exist.
 */
export async function ensureDevelopmentKey(databaseUrl: string, file: string): Promise<string | undefined> {
  const prisma = createPrismaClient(databaseUrl);
  try {
    if ((await prisma.apiKey.count()) > 0) return undefined;
    const { key } = await createApiKey(prisma, { name: 'development (npm start)', scopes: ['admin'] });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return key;
  } finally {
    await prisma.$disconnect();
  }
}
