// Worker process. Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown: polling
// stops, in-flight activities finish (or are retried elsewhere), then run() resolves.
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../emails/mailer';
import { SandboxGateway } from '../gateway/sandbox-gateway';
import { linkSigning, loadConfig } from '../infra/config';
import { stopWhenParentExits } from '../infra/parent';
import { createPrismaClient } from '../infra/database';
import { temporalConnectionOptions } from '../infra/temporal';
import { createSubscriptionWorker } from './worker';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const prisma = createPrismaClient(config.DATABASE_URL);
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, outboxDir: config.OUTBOX_DIR });
  console.log(`customer emails go to ${mailer.destination}`);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  try {
    const worker = await createSubscriptionWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { prisma, gateway: new SandboxGateway(prisma), mailer, mailFrom: config.MAIL_FROM, links: linkSigning(config) },
    });
    console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
    await worker.run();
    console.log('worker stopped');
  } finally {
    await connection.close();
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
