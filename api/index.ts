// API process: one Temporal connection and one database pool for all requests.
import { Client } from '@temporalio/client';
import { linkSigning, loadConfig, subscriptionPolicy } from '../infra/config';
import { stopWhenParentExits } from '../infra/parent';
import { createPrismaClient } from '../infra/database';
import { connectTemporal } from '../infra/temporal';
import { createApp } from './app';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const prisma = createPrismaClient(config.DATABASE_URL);
  const connection = await connectTemporal(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({
    prisma,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    policy: subscriptionPolicy(config),
    clock: async () => new Date(),
    links: linkSigning(config),
  });

  const server = app.listen(config.PORT, () => {
    console.log(`API listening on http://localhost:${config.PORT}`);
  });

  const shutdown = (signal: string) => {
    console.log(`API received ${signal}, finishing in-flight requests`);
    server.close(() => {
      void Promise.allSettled([prisma.$disconnect(), connection.close()]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      shutdown(signal);
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
