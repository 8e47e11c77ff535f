// API process: one Temporal connection and one database pool for all requests.
import { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { linkSigning, loadConfig, subscriptionPolicy, webhookTargets } from '../infra/config';
import { stopWhenParentExits } from '../infra/parent';
import { createPrismaClient } from '../infra/database';
import { createLogger } from '../infra/logger';
import { connectTemporal } from '../infra/temporal';
import { createApp } from './app';
import { unexpectedErrorLogger } from './request-logging';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
  // Process metrics (CPU, memory, event-loop lag) next to the API's own.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const prisma = createPrismaClient(config.DATABASE_URL);
  const connection = await connectTemporal(config);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp(
    {
      prisma,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      policy: subscriptionPolicy(config),
      clock: async () => new Date(),
      links: linkSigning(config),
      onUnexpectedError: unexpectedErrorLogger(logger),
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      webhookTargets: webhookTargets(config),
    },
    { logger, registry },
  );

  const server = app.listen(config.PORT, () => {
    logger.info({ port: config.PORT }, `API listening on http://localhost:${config.PORT} (metrics on /metrics)`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API finishing in-flight requests');
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
  // The configuration may be what failed: this logger does not depend on it (pino flushes at exit).
  const logger = createLogger({ service: 'api', level: 'info' });
  logger.fatal({ err: error }, 'API failed');
  process.exit(1);
});
