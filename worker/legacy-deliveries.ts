// Delivery workflows (webhooks, customer emails) used to run on the outbound-delivery queue with
// their attempts; they now run on the main queue and only the attempts go there, so the delivery
// worker needs no workflow thread. Ones an earlier version started are still on that queue until
// they end (at most the retry policies' three days), and need a workflow worker there until then.
import type { Client } from '@temporalio/client';
import { webhookTaskQueue } from '../domain/webhooks';

/**
 * How many delivery workflows an earlier version started are still running on the delivery queue;
 * null when visibility cannot say, which the caller must treat as "some".
 */
export async function legacyDeliveriesRunning(client: Client, taskQueue: string): Promise<number | null> {
  const queue = webhookTaskQueue(taskQueue);
  // A quote would end the query's string: no such queue name is worth a query language escape.
  if (/['"\\]/.test(queue)) return null;
  try {
    const { count } = await client.workflow.count(`TaskQueue = '${queue}' AND ExecutionStatus = 'Running'`);
    return count;
  } catch {
    return null;
  }
}
