// Keeps the Subscription table (what the API lists and reports read) in step with the workflow.
import type { SubscriptionState } from '../domain/subscription';
import { subscriptionWorkflowId } from '../domain/subscription';
import type { ActivityDeps } from './deps';

export function createProjectionActivities({ prisma }: ActivityDeps) {
  return {
    /**
     * Writes the state unless the row already reflects the same or a newer version, and records a
     * status change (at `at`, workflow time) when the status moved.
     */
    async syncSubscription(state: SubscriptionState, at: string): Promise<void> {
      const row = await prisma.subscription.findUnique({ where: { id: state.id }, select: { status: true, stateVersion: true } });
      // The API's placeholder row (version 0) is not a status the subscription was ever in.
      const before = row && row.stateVersion > 0 ? row : null;
      if (!before || (before.stateVersion < state.version && before.status !== state.status)) {
        await prisma.statusChange.createMany({
          data: [{ subscriptionId: state.id, from: before?.status ?? null, to: state.status, version: state.version, at: new Date(at) }],
          skipDuplicates: true,
        });
      }
      const data = {
        planCode: state.plan.code,
        status: state.status,
        paymentMethod: state.paymentMethod,
        billingAnchor: new Date(state.anchor),
        periodIndex: state.periodIndex,
        currentPeriodStart: new Date(state.currentPeriod.start),
        currentPeriodEnd: new Date(state.currentPeriod.end),
        trialEnd: state.trialEnd ? new Date(state.trialEnd) : null,
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        canceledAt: state.canceledAt ? new Date(state.canceledAt) : null,
        endedAt: state.endedAt ? new Date(state.endedAt) : null,
        stateVersion: state.version,
      };
      const updated = await prisma.subscription.updateMany({
        where: { id: state.id, stateVersion: { lt: state.version } },
        data,
      });
      if (updated.count > 0) return;
      // No row yet (a workflow started without the API): create it; a concurrent or newer write wins.
      await prisma.subscription.createMany({
        data: [{ id: state.id, workflowId: subscriptionWorkflowId(state.id), customerId: state.customer.id, ...data }],
        skipDuplicates: true,
      });
    },
  };
}
