// Keeps the Subscription table (what the API lists and reports read) in step with the workflow,
// and the report totals and the customer's entitlements in step with the Subscription table.
import { monthlyAmountCents } from '../domain/plans';
import type { SubscriptionState } from '../domain/subscription';
import { subscriptionWorkflowId } from '../domain/subscription';
import { subscriptionEventKeys, subscriptionEvents } from '../domain/webhooks';
import type { ActivityDeps } from './deps';
import { scheduleDeliveries } from './deliveries';
import { syncEntitlements } from './entitlements';
import { countStatusFlow, moveContribution, type Contribution } from './subscription-totals';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import type { Subscription } from '../prisma/generated/client';
import type { SUBSCRIPTION_FACT_COLUMNS } from './webhook-payloads';
import { subscriptionPayload, subscriptionRowFacts } from './webhook-payloads';

/** What a projection write reads of the row it replaces: its version, what it counted, its facts. */
type LockedRow = Pick<Subscription, 'stateVersion' | 'currency' | 'monthlyAmountCents' | keyof typeof SUBSCRIPTION_FACT_COLUMNS>;

export function createProjectionActivities(deps: ActivityDeps) {
  const { prisma } = deps;
  return {
    /**
     * Writes the state unless the row already reflects the same or a newer version, and records a
     * status change (at `at`, workflow time) when the status moved, and its webhook events, in one
     * transaction.
     */
    async syncSubscription(state: SubscriptionState, at: string): Promise<void> {
      const recorded = await prisma.$transaction(async (tx) => {
        // Two writes of one subscription (a retry overlapping a newer write) take turns here, so each
        // reads the row the other left: the totals subtract exactly what was added.
        // The lock and the read are one statement: two writes per sign-up take this path.
        const [row] = await tx.$queryRaw<LockedRow[]>`
          SELECT "stateVersion", "currency", "monthlyAmountCents", "status", "planCode", "paymentMethod",
                 "currentPeriodStart", "currentPeriodEnd", "trialEnd", "cancelAtPeriodEnd", "canceledAt", "endedAt"
          FROM "Subscription" WHERE "id" = ${state.id} FOR UPDATE`;
        // The API's placeholder row (version 0) is not a status the subscription was ever in.
        const before = row && row.stateVersion > 0 ? row : null;
        const contribution: Contribution = { currency: state.plan.currency, status: state.status, monthlyAmountCents: monthlyAmountCents(state.plan) };
        const statusChanged = !before || (before.stateVersion < state.version && before.status !== state.status);
        const changes = statusChanged
          ? await tx.statusChange.createMany({
              data: [{ subscriptionId: state.id, from: before?.status ?? null, to: state.status, version: state.version, at: new Date(at) }],
              skipDuplicates: true,
            })
          : { count: 0 };
        if (before && changes.count > 0) await countStatusFlow(tx, before.status, contribution, new Date(at));
        // Only what the workflow owns: `grandfathered` belongs to the API (PUT …/grandfathered)
        // and must never be overwritten here.
        const data = {
          planCode: state.plan.code,
          planPriceVersion: state.plan.priceVersion ?? null,
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
          currency: contribution.currency,
          monthlyAmountCents: contribution.monthlyAmountCents,
        };
        const updated = await tx.subscription.updateMany({
          where: { id: state.id, stateVersion: { lt: state.version } },
          data,
        });
        // No row yet (a workflow started without the API): create it; a concurrent or newer write wins.
        const created =
          updated.count > 0
            ? null
            : await tx.subscription.createMany({
                data: [{ id: state.id, workflowId: subscriptionWorkflowId(state.id), customerId: state.customer.id, ...data }],
                skipDuplicates: true,
              });
        if (updated.count > 0 || (created?.count ?? 0) > 0) {
          await syncEntitlements(tx, state, new Date(at));
          // What the row counted before this write (nothing while it was a placeholder or absent).
          const counted = before?.currency != null && before.monthlyAmountCents !== null ? { currency: before.currency, status: before.status, monthlyAmountCents: before.monthlyAmountCents } : null;
          await moveContribution(tx, counted, contribution);
          const events = subscriptionEvents(before && subscriptionRowFacts(before), subscriptionPayload(state), state.version, at);
          const deliveries = await scheduleDeliveries(tx, state, at);
          return recordWebhookEvents(tx, [...events, ...deliveries]);
        }
        // A repeated (retried) write: its events were recorded with it; restart those still pending.
        const { created: createdKey, updated: updatedKey, canceled: canceledKey } = subscriptionEventKeys;
        return { deliveryIds: [], existingKeys: [createdKey(state.id), updatedKey(state.id, state.version), canceledKey(state.id)] };
      });
      await publishWebhookEvents(deps, recorded);
    },
  };
}
