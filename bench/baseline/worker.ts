// The baseline's worker process: the same connection settings and defaults as the real worker
// (worker/index.ts), with the baseline's workflow bundle and no-op activities. It polls
// TEMPORAL_TASK_QUEUE, which the bench sets apart from the real one.
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../infra/config';
import { stopWhenParentExits } from '../../infra/parent';
import { temporalConnectionOptions } from '../../infra/temporal';
import * as activities from './activities';

async function main(): Promise<void> {
  stopWhenParentExits();
  const config = loadConfig();
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    console.log(`baseline worker polling task queue "${config.TEMPORAL_TASK_QUEUE}"`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
