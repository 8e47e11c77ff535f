// What a fresh environment needs before the worker and API start: migrated and seeded database,
// search attributes registered on the Temporal namespace. Idempotent.
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
