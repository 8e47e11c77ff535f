// Builds the worker that runs subscription workflows and their activities.
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface SubscriptionWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built bundle (tests build it once per file); otherwise bundled from WORKFLOWS_PATH. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export function createSubscriptionWorker(options: SubscriptionWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
