// What a customer is entitled to now, read from the CustomerEntitlement projection
// (activities/entitlements.ts): one statement, by primary key, never the workflows, so a
// business's app can ask on every request it gates.
import type { SubscriptionGrant } from '../../domain/entitlements';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';

export interface CustomerEntitlements {
  customerId: string;
  features: string[];
  limits: Record<string, number>;
  /** When the entitlements became what they are (the change's workflow time); null if nothing was ever granted. */
  asOf: string | null;
  version: number;
  subscriptions: SubscriptionGrant[];
}

interface Row {
  id: string;
  features: string[] | null;
  limits: Record<string, number> | null;
  subscriptions: SubscriptionGrant[] | null;
  version: number | null;
  changedAt: Date | null;
}

export async function getEntitlements({ prisma }: ApiDeps, customerId: string): Promise<CustomerEntitlements> {
  // The customer's row too, so an unknown customer (404) and one without entitlements (empty) differ.
  const [row] = await prisma.$queryRaw<Row[]>`
    SELECT c."id", e."features", e."limits", e."subscriptions", e."version", e."changedAt"
    FROM "Customer" c LEFT JOIN "CustomerEntitlement" e ON e."customerId" = c."id"
    WHERE c."id" = ${customerId}`;
  if (!row) throw notFound(`customer ${customerId} does not exist`);
  return {
    customerId: row.id,
    features: row.features ?? [],
    limits: row.limits ?? {},
    asOf: row.changedAt?.toISOString() ?? null,
    version: row.version ?? 0,
    subscriptions: (row.subscriptions ?? []).map(({ subscriptionId, planCode, status, features, limits }) => ({ subscriptionId, planCode, status, features, limits })),
  };
}
