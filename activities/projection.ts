// Keeps the Subscription table (what the API lists and reports read) in step with the workflow,
// and the report totals and the customer's entitlements in step with the Subscription table.
import { monthlyAmountCents } from '../domain/plans';
import type { SubscriptionState } from '../domain/subscription';
import { subscriptionWorkflowId } from '../domain/subscription';
import { subscriptionView, VIEW_SHAPE } from '../workflows/contract';
import { subscriptionEventKeys, subscriptionEvents } from '../domain/webhooks';
import type { Prisma, Subscription } from '../prisma/generated/client';
import type { ActivityDeps } from './deps';
import { scheduleDeliveries } from './deliveries';
import { syncEntitlements } from './entitlements';
import { countStatusFlow, moveContribution, type Contribution } from './subscription-totals';
import { publishWebhookEvents, recordWebhookEvents, type RecordedEvents } from './webhook-outbox';
import { type SUBSCRIPTION_FACT_COLUMNS, subscriptionPayload, subscriptionRowFacts } from './webhook-payloads';

/** What the projection reads of the row it is about to write (one locking read). */
type ProjectedRow = Pick<Subscription, 'stateVersion' | 'currency' | 'monthlyAmountCents' | keyof typeof SUBSCRIPTION_FACT_COLUMNS>;

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
        // reads the row the other left: the totals subtract exactly what was added. The row's read and
        // write are raw SQL: they run at every renewal, and Prisma's query compiler would cost several
        // times what PostgreSQL does (the renewal bench, bench/renewal-throughput.ts).
        const [row] = await tx.$queryRaw<ProjectedRow[]>`
          SELECT "stateVersion", "currency", "monthlyAmountCents", "status"::text AS "status", "planCode", "paymentMethod",
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
          // The query's answer at this version: GET /subscriptions/:id reads it instead of the workflow.
          view: subscriptionView(state) as unknown as Prisma.InputJsonObject,
          viewShape: VIEW_SHAPE,
          currency: contribution.currency,
          monthlyAmountCents: contribution.monthlyAmountCents,
        };
        const updated = await tx.$executeRaw`
          UPDATE "Subscription" SET
            "planCode" = ${data.planCode}, "planPriceVersion" = ${data.planPriceVersion}, "status" = ${data.status}::"SubscriptionStatus",
            "paymentMethod" = ${data.paymentMethod}, "billingAnchor" = ${data.billingAnchor}, "periodIndex" = ${data.periodIndex},
            "currentPeriodStart" = ${data.currentPeriodStart}, "currentPeriodEnd" = ${data.currentPeriodEnd}, "trialEnd" = ${data.trialEnd},
            "cancelAtPeriodEnd" = ${data.cancelAtPeriodEnd}, "canceledAt" = ${data.canceledAt}, "endedAt" = ${data.endedAt},
            "stateVersion" = ${data.stateVersion}, "currency" = ${data.currency}, "monthlyAmountCents" = ${data.monthlyAmountCents},
            "view" = ${JSON.stringify(data.view)}::json, "viewShape" = ${data.viewShape}, "updatedAt" = ${new Date()}
          WHERE "id" = ${state.id} AND "stateVersion" < ${state.version}`;
        // No row yet (a workflow started without the API): create it; a concurrent or newer write wins.
        const created =
          updated > 0
            ? null
            : await tx.subscription.createMany({
                data: [{ id: state.id, workflowId: subscriptionWorkflowId(state.id), customerId: state.customer.id, ...data }],
                skipDuplicates: true,
              });
        const written = updated > 0 || (created?.count ?? 0) > 0;
        let recorded: RecordedEvents;
        if (written) {
          await syncEntitlements(tx, state, new Date(at));
          const events = subscriptionEvents(before && subscriptionRowFacts(before), subscriptionPayload(state), state.version, at);
          const deliveries = await scheduleDeliveries(tx, state, at);
          recorded = await recordWebhookEvents(tx, [...events, ...deliveries]);
        } else {
          // The same version again: a retried write, or a step that changed only what the query
          // answers (a usage report). The stored view follows; events and totals were counted once.
          await tx.$executeRaw`
            UPDATE "Subscription" SET "view" = ${JSON.stringify(data.view)}::json, "viewShape" = ${data.viewShape}
            WHERE "id" = ${state.id} AND "stateVersion" = ${state.version}`;
          // A repeated (retried) write: its events were recorded with it; restart those still pending.
          const { created: createdKey, updated: updatedKey, canceled: canceledKey } = subscriptionEventKeys;
          recorded = { deliveryIds: [], existingKeys: [createdKey(state.id), updatedKey(state.id, state.version), canceledKey(state.id)] };
        }
        // The report aggregates last: every subscription of a currency and status adds to the same
        // row, whose lock is held until commit. Written earlier, it made every opening (an import
        // of thousands) wait for the rest of each other's transactions, one at a time.
        if (before && changes.count > 0) await countStatusFlow(tx, before.status, contribution, new Date(at));
        if (written) {
          // What the row counted before this write (nothing while it was a placeholder or absent).
          const counted = before?.currency != null && before.monthlyAmountCents !== null ? { currency: before.currency, status: before.status, monthlyAmountCents: before.monthlyAmountCents } : null;
          await moveContribution(tx, counted, contribution);
        }
        return recorded;
      });
      await publishWebhookEvents(deps, recorded);
    },
  };
}
