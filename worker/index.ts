// Worker process. Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown: polling
// stops, in-flight activities finish (or are retried elsewhere), then run() resolves.
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createMailer } from '../emails/mailer';
import { createGateway, stripeMode } from '../gateway';
import { linkSigning, loadConfig, webhookTargets } from '../infra/config';
import { stopWhenParentExits } from '../infra/parent';
import { createPrismaClient } from '../infra/database';
import { createLogger } from '../infra/logger';
import { connectTemporal, temporalConnectionOptions } from '../infra/temporal';
import { createWorkerMetrics } from './metrics';
import { startMetricsServer } from './metrics-server';
import { coreMetricsUrl, workerRuntimeOptions } from './runtime';
import { legacyDeliveriesRunning } from './legacy-deliveries';
import { createSubscriptionWorker, createWebhookWorker } from './worker';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });
  const metricsOn = config.WORKER_METRICS_PORT > 0;
  // Before any connection: the Runtime is created once, with the first one.
  Runtime.install(
    workerRuntimeOptions({ logger, level: config.LOG_LEVEL, coreMetricsAddress: metricsOn ? config.TEMPORAL_METRICS_BIND_ADDRESS : undefined }),
  );
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createWorkerMetrics(registry);
  const metricsServer = metricsOn
    ? await startMetricsServer({ port: config.WORKER_METRICS_PORT, registry, coreMetricsUrl: coreMetricsUrl(config.TEMPORAL_METRICS_BIND_ADDRESS), log: logger })
    : null;
  if (metricsServer) logger.info({ port: metricsServer.port }, `worker metrics on http://localhost:${metricsServer.port}/metrics`);
  const prisma = createPrismaClient(config.DATABASE_URL);
  const gateway = createGateway(config, prisma);
  const mode = gateway.name === 'stripe' && config.STRIPE_SECRET_KEY ? ` in ${stripeMode(config.STRIPE_SECRET_KEY)} mode` : '';
  logger.info({ gateway: gateway.name }, `charging through the ${gateway.name} gateway${mode}`);
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, outboxDir: config.OUTBOX_DIR });
  logger.info({ destination: mailer.destination }, `customer emails go to ${mailer.destination}`);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // Activities start webhook delivery workflows through a client of their own.
  const clientConnection = await connectTemporal(config);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  try {
    const options = {
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      metrics,
      deps: {
        prisma,
        gateway,
        mailer,
        mailFrom: config.MAIL_FROM,
        opsEmail: config.OPS_EMAIL,
        links: linkSigning(config),
        temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE },
        webhookTargets: webhookTargets(config),
        seller: config.seller,
      },
    };
    const worker = await createSubscriptionWorker(options);
    // Delivery attempts poll their own task queue, so a dead endpoint never takes billing's slots.
    const legacy = await legacyDeliveriesRunning(client, config.TEMPORAL_TASK_QUEUE);
    if (legacy !== 0) {
      logger.info({ legacyDeliveries: legacy }, `${legacy ?? 'an unknown number of'} delivery workflows started by an earlier version: the delivery worker runs them too (restart once none are left)`);
    }
    const webhookWorker = await createWebhookWorker({ ...options, legacyWorkflows: legacy !== 0 });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker polling');
    await Promise.all([worker.run(), webhookWorker.run()]);
    logger.info('worker stopped');
  } finally {
    await clientConnection.close();
    await connection.close();
    await prisma.$disconnect();
    await metricsServer?.close();
  }
}

main().catch((error: unknown) => {
  // The configuration may be what failed: this logger does not depend on it (pino flushes at exit).
  createLogger({ service: 'worker', level: 'info' }).fatal({ err: error }, 'worker failed');
  process.exit(1);
});
