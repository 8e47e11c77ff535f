// Keeps CustomerEntitlement (what GET /customers/:id/entitlements reads) in step with the
// Subscription table: called by the projection inside the transaction that writes a newer version
// of a subscription's row, so the entitlements follow the workflow's state exactly and a retried
// or older write changes nothing.
import { combineGrants, replaceGrant, sameGrants, subscriptionGrant, type SubscriptionGrant } from '../domain/entitlements';
import type { SubscriptionState } from '../domain/subscription';
import { featureKeys } from '../infra/feature-keys';
import type { Prisma } from '../prisma/generated/client';

type Tx = Prisma.TransactionClient;

/** Its features as bought; a snapshot taken before plans had features grants the catalogue's. */
async function planWithFeatures(tx: Tx, plan: SubscriptionState['plan']): Promise<SubscriptionState['plan']> {
  if (plan.features) return plan;
  const row = await tx.plan.findUnique({ where: { code: plan.code }, select: { features: true } });
  return { ...plan, features: row ? featureKeys(row.features, `plan ${plan.code}`) : [] };
}

/** Writes what `state`'s subscription grants into its customer's entitlements (at `at`, workflow time), if that changed. */
export async function syncEntitlements(tx: Tx, state: SubscriptionState, at: Date): Promise<void> {
  const customerId = state.customer.id;
  const plan = await planWithFeatures(tx, state.plan);
  const grant = subscriptionGrant({ id: state.id, status: state.status, plan, addOns: state.addOns ?? [] });
  if (grant) {
    await tx.$executeRaw`
      INSERT INTO "CustomerEntitlement" ("customerId", "changedAt", "updatedAt")
      VALUES (${customerId}, ${at}, now())
      ON CONFLICT ("customerId") DO NOTHING`;
  }
  // Two subscriptions of one customer written at once take turns on this row, so each reads the
  // grants the other left.
  const [row] = await tx.$queryRaw<Array<{ subscriptions: SubscriptionGrant[] }>>`
    SELECT "subscriptions" FROM "CustomerEntitlement" WHERE "customerId" = ${customerId} FOR UPDATE`;
  // Nothing granted before and nothing now.
  if (!row) return;
  const grants = replaceGrant(row.subscriptions, state.id, grant);
  if (sameGrants(grants, row.subscriptions)) return;
  const { features, limits } = combineGrants(grants);
  await tx.customerEntitlement.update({
    where: { customerId },
    data: { features, limits, subscriptions: grants as unknown as Prisma.InputJsonValue, version: { increment: 1 }, changedAt: at },
  });
}
