// API process: one Temporal connection and one database pool for all requests (and a small pool
// for the throttles' counters).
import { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { linkSigning, loadConfig, portalBranding, signInLimits, subscriptionPolicy, throttleLimits, webhookTargets } from '../infra/config';
import { stopWhenParentExits } from '../infra/parent';
import { createPrismaClient } from '../infra/database';
import { createLogger } from '../infra/logger';
import { connectTemporal } from '../infra/temporal';
import { createHostedElement } from '../gateway';
import { SandboxGateway } from '../gateway/sandbox-gateway';
import { createApp } from './app';
import { ReadCache } from './read-cache';
import { createSignInThrottles, createThrottlePool, createThrottles } from './throttles';
import { unexpectedErrorLogger } from './request-logging';
import { SignUpStarts } from './services/sign-up-starts';

/** How often the API looks for asynchronous sign-ups whose workflow start failed or was left behind. */
const SIGN_UP_SWEEP_MS = 5_000;

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
  // The throttles' own pool: counting a request never waits behind the API's queries.
  const throttlePool = createThrottlePool(config.DATABASE_URL, (error) => logger.warn({ err: error }, 'rate-limit store connection lost'));
  const throttleOptions = {
    // Prisma's ?schema= is not something pg understands: the RateLimit table is in that schema.
    schemaName: new URL(config.DATABASE_URL).searchParams.get('schema') ?? undefined,
    onStoreDown: () => logger.warn('rate-limit store (database) not answering: limits are counted in this process until it does'),
  };
  const throttles = createThrottles(throttlePool, throttleLimits(config), throttleOptions);
  // Until it listens (and whenever it stops), every request reads keys and the catalogue from the database.
  const readCache = await ReadCache.listen(config.DATABASE_URL, {
    onListening: () => logger.info('read cache listening for changes to keys and the catalogue'),
    onLost: (error) => logger.warn({ err: error }, 'read cache not listening: keys and the catalogue are read from the database until it is again'),
  });
  const hostedElement = createHostedElement(config, prisma);
  const signUpStarts = new SignUpStarts({
    prisma,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    onError: (error) => logger.warn({ err: error }, 'asynchronous sign-ups: starting their workflows failed; retried at the next sweep'),
  });
  // Also picks up what another API process left behind when it stopped.
  signUpStarts.sweepEvery(SIGN_UP_SWEEP_MS);
  const app = createApp(
    {
      prisma,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      signUpStarts,
      policy: subscriptionPolicy(config),
      clock: async () => new Date(),
      links: linkSigning(config),
      onUnexpectedError: unexpectedErrorLogger(logger),
      throttles,
      readCache,
      trustProxy: config.TRUST_PROXY,
      webhookTargets: webhookTargets(config),
      portal: { branding: portalBranding(config), signIn: createSignInThrottles(throttlePool, signInLimits(config), throttleOptions) },
      // Only the configured gateway's callbacks are served: Stripe's webhooks, or the sandbox's pages.
      ...(config.PAYMENT_GATEWAY === 'stripe' && config.STRIPE_WEBHOOK_SECRET ? { stripeWebhook: { secret: config.STRIPE_WEBHOOK_SECRET } } : {}),
      ...(hostedElement ? { hostedElement } : {}),
      ...(config.PAYMENT_GATEWAY === 'sandbox' ? { sandbox: new SandboxGateway(prisma, { publicUrl: config.PUBLIC_URL }) } : {}),
    },
    { logger, registry },
  );

  const server = app.listen(config.PORT, () => {
    logger.info({ port: config.PORT }, `API listening on http://localhost:${config.PORT} (metrics on /metrics, customer portal on /portal)`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API finishing in-flight requests');
    server.close(() => {
      void signUpStarts
        .close()
        .then(() => Promise.allSettled([prisma.$disconnect(), throttlePool.end(), readCache.close(), connection.close()]))
        .then(() => process.exit(0));
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
