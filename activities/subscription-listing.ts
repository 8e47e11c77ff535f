// The running subscription workflows on a plan, a page at a time, from Temporal's visibility store
// (the PlanCode search attribute every subscription workflow keeps up to date).
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { PlanCodeKey } from '../workflows/contract';

/** Where the next page starts: the server's page token, or the last workflow id (fallback). */
export type ListingCursor = { token: string } | { afterWorkflowId: string };

export interface WorkflowPage {
  workflowIds: string[];
  next: ListingCursor | null;
}

const GRPC_UNIMPLEMENTED = 12;
const SUBSCRIPTION_PREFIX = 'subscription-';
const isSubscription = (workflowId: string) => workflowId.startsWith(SUBSCRIPTION_PREFIX);

export const subscriptionIdOf = (workflowId: string) => workflowId.slice(SUBSCRIPTION_PREFIX.length);

export function runningOnPlanQuery(planCode: string): string {
  return `PlanCode = ${JSON.stringify(planCode)} AND ExecutionStatus = "Running"`;
}

export async function listRunningOnPlan(client: Client, planCode: string, cursor: ListingCursor | null, pageSize: number): Promise<WorkflowPage> {
  if (cursor && 'afterWorkflowId' in cursor) return listOpenOnPlan(client, planCode, cursor.afterWorkflowId, pageSize);
  try {
    // The raw call rather than client.workflow.list(): its page token lets the next page be read
    // by another activity, after a continue-as-new.
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: runningOnPlanQuery(planCode),
      pageSize,
      ...(cursor ? { nextPageToken: Buffer.from(cursor.token, 'base64') } : {}),
    });
    const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : null;
    return {
      workflowIds: (response.executions ?? []).map((e) => e.execution?.workflowId ?? '').filter(isSubscription),
      next: token ? { token } : null,
    };
  } catch (error) {
    if ((error as { code?: number }).code !== GRPC_UNIMPLEMENTED) throw error;
    return listOpenOnPlan(client, planCode, null, pageSize);
  }
}

/**
 * Temporal's time-skipping test server has no visibility queries (ListWorkflowExecutions is
 * unimplemented) and its list of open workflows carries no search attributes, so this reads every
 * open subscription workflow's PlanCode. Fine for a test server's handful of workflows; every real
 * server (dev server, self-hosted, Temporal Cloud) answers the query instead.
 */
async function listOpenOnPlan(client: Client, planCode: string, after: string | null, pageSize: number): Promise<WorkflowPage> {
  const open: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const response = await client.workflowService.listOpenWorkflowExecutions({
      namespace: client.options.namespace,
      maximumPageSize: 1000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    open.push(...(response.executions ?? []).map((e) => e.execution?.workflowId ?? '').filter(isSubscription));
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
  } while (nextPageToken);

  const candidates = [...new Set(open)].sort().filter((id) => after === null || id > after);
  const page: string[] = [];
  for (const workflowId of candidates) {
    if (page.length === pageSize) return { workflowIds: page, next: { afterWorkflowId: page.at(-1)! } };
    const description = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      });
    if (description?.status.name === 'RUNNING' && description.typedSearchAttributes.get(PlanCodeKey) === planCode) page.push(workflowId);
  }
  return { workflowIds: page, next: null };
}
