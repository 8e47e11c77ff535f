// One time-skipping Temporal environment, one database and one worker per test file.
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities';
import { SandboxGateway } from '../../gateway/sandbox-gateway';
import type { PaymentGateway } from '../../gateway/payment-gateway';
import { ensureSearchAttributes } from '../../infra/temporal';
import { testServerExecutable } from '../../infra/tools';
import { createSubscriptionWorker, WORKFLOWS_PATH } from '../../worker/worker';
import type { SubscriptionView } from '../../workflows/messages';
import { getSubscription } from '../../workflows/messages';
import type { subscriptionWorkflow } from '../../workflows/subscription';
import type { TestDatabase } from './database';
import { createTestDatabase } from './database';

export interface Harness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  worker: Worker;
  taskQueue: string;
  deps: ActivityDeps;
  /** Stops the worker, the environment and drops the database. */
  teardown(): Promise<void>;
}

// Worker lifecycle chatter hides test output; warnings and errors still show.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  // The test server lacks capabilities core warns about on every worker start.
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Workflows are bundled once per test file (webpack is the slow part). */
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  return bundle;
}

export interface HarnessOptions {
  /** Wraps the sandbox gateway, e.g. to count calls. */
  gateway?: (sandbox: SandboxGateway) => PaymentGateway;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const [env, db, workflowBundleCode] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } }),
    createTestDatabase(),
    workflowBundle(),
  ]);
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  const sandbox = new SandboxGateway(db.prisma);
  const deps: ActivityDeps = { prisma: db.prisma, gateway: options.gateway?.(sandbox) ?? sandbox };
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const worker = await createSubscriptionWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps,
    workflowBundle: workflowBundleCode,
  });
  const running = worker.run();
  return {
    env,
    db,
    worker,
    taskQueue,
    deps,
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
      await db.drop();
    },
  };
}

/** Re-reads `read()` until `accept` holds; a sync point with the worker, not a timed wait. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what = 'condition'): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function querySubscription(handle: WorkflowHandle<typeof subscriptionWorkflow>): Promise<SubscriptionView> {
  return handle.query(getSubscription);
}
