// Builds the workers: subscription workflows and their activities on the task queue; outbound
// deliveries (webhooks, customer emails) on a queue of their own.
import type { ActivityInterceptorsFactory, NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';
import { createEmailActivities } from '../activities/emails';
import { createWebhookActivities } from '../activities/webhooks';
import { webhookTaskQueue } from '../domain/webhooks';
import { activityLogContext } from './logging-interceptor';
import { activityMetrics, createWorkerMetrics, type WorkerMetrics } from './metrics';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface SubscriptionWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built bundle (tests build it once per file); otherwise bundled from WORKFLOWS_PATH. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Where activity durations and charge outcomes are counted; a registry of its own when omitted. */
  metrics?: WorkerMetrics;
  /** Run after the worker's own (the chaos runner's fault injection). */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /**
   * Workflows kept in memory between tasks (sticky execution). 0 replays each task from history:
   * the fuzz tests stop and restart workers, and the time-skipping server keeps sending a stopped
   * worker's workflows to its sticky queue.
   */
  maxCachedWorkflows?: number;
}

export function createSubscriptionWorker(options: SubscriptionWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    // One workflow task at a time without a cache: core (1.24) otherwise sometimes answers an
    // eviction with commands ("This is an SDK bug") and loses a task's completion (10 s timeout).
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.maxCachedWorkflows === 0 ? { maxConcurrentWorkflowTaskExecutions: 1 } : {}),
    interceptors: {
      activity: [activityLogContext, activityMetrics(options.metrics ?? createWorkerMetrics()), ...(options.activityInterceptors ?? [])],
    },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

/**
 * At most this many deliveries in flight per worker process (a webhook waits up to 10 s for an
 * answer, an email attempt up to its SMTP timeouts).
 */
const DELIVERY_CONCURRENCY = 20;

/**
 * Runs the outbound delivery attempts, webhooks and customer emails, on the task queue's webhook
 * queue: a dead endpoint or mail server never takes billing's slots. Their workflows run on the
 * main queue. Only a worker draining deliveries started before that (`legacyWorkflows`, see
 * legacyDeliveriesRunning) also runs workflows here; otherwise it starts no workflow thread at all.
 */
export function createWebhookWorker(options: SubscriptionWorkerOptions & { legacyWorkflows?: boolean }): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: webhookTaskQueue(options.taskQueue),
    activities: { ...createWebhookActivities(options.deps), ...createEmailActivities(options.deps) },
    maxConcurrentActivityTaskExecutions: DELIVERY_CONCURRENCY,
    interceptors: {
      activity: [activityLogContext, activityMetrics(options.metrics ?? createWorkerMetrics()), ...(options.activityInterceptors ?? [])],
    },
    ...(options.legacyWorkflows ? (options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }) : {}),
  });
}
