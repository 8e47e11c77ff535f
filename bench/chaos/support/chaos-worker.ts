// The worker process of the chaos runs: the product's worker (worker/worker.ts, its activities,
// the gateway its configuration names — the sandbox unless PAYMENT_GATEWAY=stripe — and the SMTP
// mailer) with the faults of ./faults.ts wrapped around them. Without CHAOS_* variables it behaves
// as `npm run worker`. The workflow code comes pre-bundled
// (CHAOS_WORKFLOW_BUNDLE) so that a restart after a kill takes seconds, not a webpack build.
import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../../../emails/mailer';
import { createGateway } from '../../../gateway';
import { linkSigning, loadConfig } from '../../../infra/config';
import { createPrismaClient } from '../../../infra/database';
import { stopWhenParentExits } from '../../../infra/parent';
import { connectTemporal, temporalConnectionOptions } from '../../../infra/temporal';
import { createSubscriptionWorker, createWebhookWorker } from '../../../worker/worker';
import { faultInterceptor, faultsFromEnv, faultyGateway, faultyMailer, killSwitch } from './faults';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const faults = faultsFromEnv();
  const reached = killSwitch(faults);
  const bundlePath = process.env.CHAOS_WORKFLOW_BUNDLE;
  const prisma = createPrismaClient(config.DATABASE_URL);
  const gateway = createGateway(config, prisma);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const clientConnection = await connectTemporal(config);
  try {
    const options = {
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      // sourceMap: required by the option's type, unused since source maps are inline.
      ...(bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8'), sourceMap: '' } } : {}),
      activityInterceptors: [faultInterceptor(faults, reached)],
      deps: {
        prisma,
        gateway: faultyGateway(gateway, faults, reached),
        mailer: faultyMailer(createMailer({ smtpUrl: config.SMTP_URL, outboxDir: config.OUTBOX_DIR }), faults),
        mailFrom: config.MAIL_FROM,
        links: linkSigning(config),
        temporal: { client: new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE },
      },
    };
    const worker = await createSubscriptionWorker(options);
    // Emails (and webhooks) are delivered by workflows on the outbound-delivery queue, as in the product's worker.
    const deliveryWorker = await createWebhookWorker(options);
    console.log(`chaos worker polling (gateway ${gateway.name}, kill at ${faults.killAt ?? 'none'} #${faults.killAfter}, break ${faults.broken ?? 'none'})`);
    await Promise.all([worker.run(), deliveryWorker.run()]);
    console.log('chaos worker stopped');
  } finally {
    await clientConnection.close();
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
