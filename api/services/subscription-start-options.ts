// How every subscription workflow is started (a sign-up, an asynchronous sign-up's outbox, an
// import): one set of options, so a repeat of any of them attaches to the workflow instead of
// starting another, and an ended subscription is never started again under its id.
import type { SubscriptionStart } from '../../domain/subscription';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { SubscriptionWorkflow } from '../../workflows/contract';
import { describeSubscription } from '../../workflows/contract';

export function subscriptionStartOptions(start: SubscriptionStart, taskQueue: string) {
  return {
    workflowId: subscriptionWorkflowId(start.subscriptionId),
    taskQueue,
    args: [{ start }] as Parameters<SubscriptionWorkflow>,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: describeSubscription(start),
  } as const;
}
