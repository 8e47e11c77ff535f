// A complete engine on Temporal's time-skipping test server: a worker with the real workflows and
// activities, the sandbox gateway, a real database, an SMTP server that captures emails, and the
// API. Used by the test suite (one per test file) and by the what-if simulator.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import type { RuntimeOptions, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import express, { type Express } from 'express';
import type { ActivityDeps } from '../activities';
import { createApp } from '../api/app';
import { createApiKey } from '../api/auth-keys';
import type { ApiDeps } from '../api/deps';
import { DEFAULT_POLICY, type SubscriptionPolicy } from '../domain/subscription';
import { SandboxGateway } from '../gateway/sandbox-gateway';
import type { PaymentGateway } from '../gateway/payment-gateway';
import { ensureSearchAttributes } from '../infra/temporal';
import { testServerExecutable } from '../infra/tools';
import type { WebhookTargetPolicy } from '../infra/webhook-target';
import { levelOf } from '../worker/logging';
import type { WorkerMetrics } from '../worker/metrics';
import { createSubscriptionWorker, createWebhookWorker, WORKFLOWS_PATH } from '../worker/worker';
import type { SubscriptionView } from '../workflows/contract';
import { getSubscription } from '../workflows/contract';
import type { Mailer } from '../emails/mailer';
import { SMTP_TIMEOUTS_MS, smtpMailer } from '../emails/mailer';
import type { PrismaClient } from '../prisma/generated/client';
import type { SmtpCatcher } from './smtp-catcher';
import { quietness } from './health';
import { startSmtpCatcher } from './smtp-catcher';
import { SignUpStarts } from '../api/services/sign-up-starts';

export interface Database {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  db: Database;
  smtp: SmtpCatcher;
  taskQueue: string;
  deps: ActivityDeps;
  /** The sandbox gateway under `deps.gateway` (which may wrap it): tests settle its pending charges. */
  sandbox: SandboxGateway;
  /** An admin API key in this environment's database; environmentApp sends it for callers that send none. */
  adminKey: string;
  /** The outbox dispatcher of asynchronous sign-ups that every API of this environment kicks. */
  signUpStarts: SignUpStarts;
  /**
   * Stops the subscription worker: workflow tasks wait on the server until `startWorker`, so
   * commands sent meanwhile reach their workflow together, in one workflow task. Needs the
   * `restartableWorker` option.
   */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Stops the worker, the environment and drops the database. */
  teardown(): Promise<void>;
}

/** The SDK's lines at the level they are worth here (worker/logging.ts levelOf), as the worker process logs them. */
export class QuietLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    super.log(levelOf(level, message), message, meta);
  }
}

let runtimeInstalled = false;

/**
 * Worker lifecycle chatter hides test and simulation output; warnings and errors still show.
 * `custom` installs another Runtime instead (a test of logs or core metrics): only the first
 * install in a process counts, so a later one is an error rather than silently ignored.
 */
export function installQuietRuntime(custom?: RuntimeOptions): void {
  if (runtimeInstalled) {
    if (custom) throw new Error('a Temporal Runtime is already installed in this process: pass `runtime` to the first environment only');
    return;
  }
  runtimeInstalled = true;
  if (custom) {
    Runtime.install(custom);
    return;
  }
  Runtime.install({
    logger: new QuietLogger('WARN'),
    // The test server lacks capabilities core's worker module warns about on every worker start
    // (heartbeat details on failure); other core warnings still show.
    telemetryOptions: { logging: { filter: `${makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' })},temporalio_sdk_core::worker=ERROR` } },
  });
}

export const TEST_LINKS = { publicUrl: 'https://billing.example.test', secret: 'test-link-signing-secret' };

/** As `npm start` runs: webhooks to http:// receivers on this machine allowed. */
export const DEVELOPMENT_TARGETS: WebhookTargetPolicy = { allowPrivateTargets: true };

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

const silentLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Bundles the workflows at `workflowsPath` (webpack: the slow part of starting an environment). */
export function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: silentLogger as never });
}

export function bundleProductionWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflows(WORKFLOWS_PATH);
}

/** Where a test run's global setup left the bundle it made once for every test file. */
export const WORKFLOW_BUNDLE_FILE_VARIABLE = 'TEST_WORKFLOW_BUNDLE_FILE';

/** Workflows are bundled once per process, or once per test run when the global setup left a bundle. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const file = process.env[WORKFLOW_BUNDLE_FILE_VARIABLE];
  bundle ??= file ? readFile(file, 'utf8').then((text) => JSON.parse(text) as WorkflowBundleWithSourceMap) : bundleProductionWorkflows();
  return bundle;
}

export interface HarnessOptions {
  /** A fresh, migrated and seeded database. */
  database: () => Promise<Database>;
  /** Wraps the sandbox gateway (e.g. to count calls), or replaces it (a Stripe gateway on the environment's database). */
  gateway?: (sandbox: SandboxGateway, prisma: PrismaClient) => PaymentGateway;
  /** Runs this bundle instead of the production workflows (e.g. a changed copy of them). */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** A Runtime instead of the quiet one (see installQuietRuntime). */
  runtime?: RuntimeOptions;
  /** Where the worker counts activity durations and charge outcomes. */
  workerMetrics?: WorkerMetrics;
  /** Replaces the SMTP mailer (to the capturing server), e.g. with one that is down. */
  mailer?: (smtp: Mailer) => Mailer;
  /**
   * Emails reuse open SMTP connections (the simulator: each new one costs 100 ms of real time,
   * see smtpMailer). Not for tests that take the SMTP server down: an open connection outlives it.
   */
  pooledSmtp?: boolean;
  /**
   * For callers of stopWorker/startWorker: the worker keeps no workflow in memory between tasks
   * (the time-skipping server would keep sending a stopped worker's workflows to its sticky queue).
   */
  restartableWorker?: boolean;
  /** Where webhooks may go (API registration and the worker's deliveries); DEVELOPMENT_TARGETS when omitted. */
  webhookTargets?: WebhookTargetPolicy;
}

export async function startEnvironment(options: HarnessOptions): Promise<Harness> {
  installQuietRuntime(options.runtime);
  const [env, db, smtp, workflowBundleCode] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } }),
    options.database(),
    startSmtpCatcher(),
    options.workflowBundle ?? workflowBundle(),
  ]);
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  const sandbox = new SandboxGateway(db.prisma, { publicUrl: TEST_LINKS.publicUrl });
  const mailer = smtpMailer(smtp.url, SMTP_TIMEOUTS_MS, { pool: options.pooledSmtp ?? false });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const deps: ActivityDeps = {
    prisma: db.prisma,
    gateway: options.gateway?.(sandbox, db.prisma) ?? sandbox,
    mailer: options.mailer?.(mailer) ?? mailer,
    mailFrom: 'Billing <billing@example.test>',
    links: TEST_LINKS,
    temporal: { client: env.client, taskQueue },
    // Receivers in tests listen on loopback over http; tests of the production rules pass their own.
    webhookTargets: options.webhookTargets ?? DEVELOPMENT_TARGETS,
  };
  const workerOptions = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps,
    workflowBundle: workflowBundleCode,
    metrics: options.workerMetrics,
  };
  let worker: { instance: Worker; running: Promise<void> } | null = null;
  const startWorker = async () => {
    if (worker) return;
    const instance = await createSubscriptionWorker({ ...workerOptions, ...(options.restartableWorker ? { maxCachedWorkflows: 0 } : {}) });
    worker = { instance, running: instance.run() };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const { instance, running } = worker;
    worker = null;
    instance.shutdown();
    await running;
  };
  await startWorker();
  // Webhook deliveries have a worker (and task queue) of their own, as in production.
  const webhookWorker = await createWebhookWorker(workerOptions);
  const webhooksRunning = webhookWorker.run();
  const { key: adminKey } = await createApiKey(db.prisma, { name: 'test environment', scopes: ['admin'] });
  const signUpStarts = new SignUpStarts({ prisma: db.prisma, temporal: env.client, taskQueue, onError: (error) => console.error(error) });
  return {
    env,
    db,
    smtp,
    taskQueue,
    deps,
    sandbox,
    adminKey,
    signUpStarts,
    stopWorker,
    startWorker,
    async teardown() {
      await signUpStarts.close();
      webhookWorker.shutdown();
      await Promise.all([stopWorker(), webhooksRunning]);
      await env.teardown();
      mailer.close();
      await Promise.all([db.drop(), smtp.close()]);
    },
  };
}

/**
 * Re-reads `read()` until `accept` holds; a sync point with the worker, not a timed wait. A read
 * that fails (e.g. a query the test server left unanswered past its deadline) is retried.
 */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what = 'condition', timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits until the workflow's current run is quiet: its last workflow task completed, no activity is
 * outstanding and no timer is about to fire. While the test server's clock is stopped nothing can
 * then wake it, so a query or update cannot meet a run that is just continuing-as-new. (The Java
 * time-skipping server leaves a query that meets that moment unanswered, and then stops skipping
 * time altogether.) A timer due within a few seconds is let fire first: a timer started while the
 * clock was being moved can be due moments after the point the clock stopped at.
 */
export async function settled(h: Harness, workflowId: string): Promise<void> {
  const handle = h.env.client.workflow.getHandle(workflowId);
  await eventually(
    async () => {
      const description = await handle.describe().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      });
      if (description?.status.name !== 'RUNNING') return true;
      const { quiet, nextTimerMs } = quietness((await handle.fetchHistory()).events ?? []);
      const now = await h.env.currentTimeMs();
      if (nextTimerMs <= now + 5_000) {
        await h.env.sleep(Math.max(1, nextTimerMs - now + 10));
        return false;
      }
      return quiet;
    },
    (quiet) => quiet,
    `${workflowId} to settle`,
  );
}

/** Subscriptions whose workflow an environment's retireSubscriptions already closed. */
const retiredIn = new WeakMap<Harness, Set<string>>();

/**
 * Stops every subscription's workflow still running, so a test file's later tests do not pay for
 * renewing the subscriptions of its earlier ones each time they move the clock. Each is looked at
 * once: a workflow id is never started again once closed (REJECT_DUPLICATE), and a file's last
 * tests would otherwise ask about every subscription of its first ones again.
 */
export async function retireSubscriptions(h: Harness): Promise<void> {
  const retired = retiredIn.get(h) ?? new Set<string>();
  retiredIn.set(h, retired);
  const subscriptions = await h.db.prisma.subscription.findMany({ select: { id: true } });
  const unretired = subscriptions.map(({ id }) => id).filter((id) => !retired.has(id));
  await Promise.all(
    unretired.map(async (id) => {
      if (await retireSubscription(h, id, 'test finished')) retired.add(id);
    }),
  );
}

/**
 * Terminates one subscription's workflow if it is still running; one that never started is fine.
 * It waits for the run to settle first: the time-skipping server never gives back the clock lock
 * of a workflow task or activity that is outstanding when its workflow is terminated, and every
 * later `env.sleep` in that environment would then wait in real time. Answers whether the
 * workflow is closed now (false: none was started yet).
 */
export async function retireSubscription(h: Harness, subscriptionId: string, reason: string): Promise<boolean> {
  const workflowId = `subscription-${subscriptionId}`;
  // One that never settles (a task that keeps failing) holds the lock anyway: it is stopped all the same.
  await settled(h, workflowId).catch(() => undefined);
  const handle = h.env.client.workflow.getHandle(workflowId);
  try {
    if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate(reason);
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return false;
  }
}

export async function querySubscription(h: Harness, workflowId: string): Promise<SubscriptionView> {
  await settled(h, workflowId);
  return h.env.client.workflow.getHandle(workflowId).query(getSubscription);
}

/** The API wired to the environment: its worker, database, and the test server's clock. */
export function environmentApiDeps(h: Harness, policy: SubscriptionPolicy = DEFAULT_POLICY): ApiDeps {
  return {
    prisma: h.db.prisma,
    temporal: h.env.client,
    taskQueue: h.taskQueue,
    signUpStarts: h.signUpStarts,
    policy,
    clock: async () => new Date(await h.env.currentTimeMs()),
    // The time-skipping server now and then leaves a query unanswered; callers retry reads.
    queryTimeoutMs: 2_000,
    links: TEST_LINKS,
    webhookTargets: h.deps.webhookTargets,
    sandbox: h.sandbox,
    onUnexpectedError: (error) => console.error(error),
  };
}

/** The API exactly as deployed: every request brings its own key (auth, limits, idempotency tests). */
export function environmentRawApp(h: Harness, overrides: Partial<ApiDeps> = {}): Express {
  return createApp({ ...environmentApiDeps(h), ...overrides });
}

/**
 * The API for callers that exercise the engine, not its access control (lifecycle tests, the
 * simulator): a request without an Authorization header is sent with the environment's admin key.
 */
export function environmentApp(h: Harness, policy: SubscriptionPolicy = DEFAULT_POLICY, overrides: Partial<ApiDeps> = {}): Express {
  const app = createApp({ ...environmentApiDeps(h, policy), ...overrides });
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((req, _res, next) => {
    req.headers.authorization ??= `Bearer ${h.adminKey}`;
    next();
  });
  outer.use(app);
  return outer;
}
