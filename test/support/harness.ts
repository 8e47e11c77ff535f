// One time-skipping Temporal environment, one database and one worker per test file.
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Express } from 'express';
import type { ActivityDeps } from '../../activities';
import { createApp } from '../../api/app';
import { DEFAULT_POLICY, type SubscriptionPolicy } from '../../domain/subscription';
import { SandboxGateway } from '../../gateway/sandbox-gateway';
import type { PaymentGateway } from '../../gateway/payment-gateway';
import { ensureSearchAttributes } from '../../infra/temporal';
import { testServerExecutable } from '../../infra/tools';
import { createSubscriptionWorker, WORKFLOWS_PATH } from '../../worker/worker';
import type { SubscriptionView } from '../../workflows/messages';
import { getSubscription } from '../../workflows/messages';
import type { subscriptionWorkflow } from '../../workflows/subscription';
import { smtpMailer } from '../../emails/mailer';
import type { TestDatabase } from './database';
import { createTestDatabase } from './database';
import type { SmtpCatcher } from './smtp';
import { startSmtpCatcher } from './smtp';

export interface Harness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: SmtpCatcher;
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
  const [env, db, smtp, workflowBundleCode] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } }),
    createTestDatabase(),
    startSmtpCatcher(),
    workflowBundle(),
  ]);
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  const sandbox = new SandboxGateway(db.prisma);
  const deps: ActivityDeps = {
    prisma: db.prisma,
    gateway: options.gateway?.(sandbox) ?? sandbox,
    mailer: smtpMailer(smtp.url),
    mailFrom: 'Billing <billing@example.test>',
  };
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
    smtp,
    worker,
    taskQueue,
    deps,
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
      await Promise.all([db.drop(), smtp.close()]);
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

/** The API wired to the harness: its worker, database, and the test server's clock. */
export function testApp(h: Harness, policy: SubscriptionPolicy = DEFAULT_POLICY): Express {
  return createApp({
    prisma: h.db.prisma,
    temporal: h.env.client,
    taskQueue: h.taskQueue,
    policy,
    clock: async () => new Date(await h.env.currentTimeMs()),
    onUnexpectedError: (error) => console.error(error),
  });
}
