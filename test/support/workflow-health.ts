// Whether a subscription's workflow is still billing: its chain has not failed, and its current run
// is not stuck retrying a failing workflow task.
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Harness } from '../../simulator/environment';

const { WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** The workflow of `subscriptionId` as the server sees it: how it closed, and failed workflow tasks of the current run. */
export async function workflowCondition(h: Harness, subscriptionId: string): Promise<{ status: string; failedTasks: string[] }> {
  const handle = h.env.client.workflow.getHandle(`subscription-${subscriptionId}`);
  try {
    const description = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    // UNHANDLED_COMMAND is the server's own retry (a message arrived while the task completed), not a failure of the code.
    const failedTasks = events
      .map((e) => e.workflowTaskFailedEventAttributes)
      .filter((failure) => failure && failure.cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)
      .map((failure) => failure?.failure?.message ?? 'workflow task failed');
    return { status: description.status.name, failedTasks };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND', failedTasks: [] };
    throw error;
  }
}

/** Fails the test unless the workflow is running (or completed) and no workflow task of it failed. */
export async function expectHealthy(h: Harness, subscriptionId: string, ended = false): Promise<void> {
  const condition = await workflowCondition(h, subscriptionId);
  expect(condition).toEqual({ status: ended ? 'COMPLETED' : 'RUNNING', failedTasks: [] });
}
