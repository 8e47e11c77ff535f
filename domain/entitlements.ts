// What a subscription grants (feature keys and limits per metric) and what a customer is entitled
// to from all their subscriptions together. The projection keeps the customer's entitlements with
// every write of a subscription (activities/entitlements.ts), so they change exactly when the
// workflow changes the plan, the add-ons or the status: an upgrade now at once, a downgrade or a
// cancellation at period end when the period ends.
import { effectiveQuota, type SubscriptionAddOn } from './add-ons';
import type { PlanSnapshot } from './plans';
import type { SubscriptionStatus } from './status';

/**
 * The statuses whose subscription grants its plan and add-ons. A trial grants what it tries; a
 * past-due subscription keeps its service while dunning retries (as its invoices keep coming). An
 * incomplete one was never paid for; a paused one is neither billed nor served; a canceled,
 * expired or unpaid one has ended its service.
 */
export const GRANTING_STATUSES: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due'];

export interface Grant {
  /** Feature keys, sorted. */
  features: string[];
  /** Units per metric. */
  limits: Record<string, number>;
}

/** What one subscription grants, as the customer's entitlements list it. */
export interface SubscriptionGrant extends Grant {
  subscriptionId: string;
  planCode: string;
  status: SubscriptionStatus;
}

export interface GrantSource {
  id: string;
  status: SubscriptionStatus;
  plan: PlanSnapshot;
  addOns: readonly SubscriptionAddOn[];
}

const sortedUnique = (keys: Iterable<string>): string[] => [...new Set(keys)].sort();

/**
 * What `subscription` grants now, or null when its status grants nothing. Limits are the plan's
 * quotas plus what the recurring add-ons buy (quantity × units per quantity, domain/add-ons.ts);
 * features are the plan's and its add-ons'.
 */
export function subscriptionGrant(subscription: GrantSource): SubscriptionGrant | null {
  if (!GRANTING_STATUSES.includes(subscription.status)) return null;
  const { plan, addOns } = subscription;
  const metrics = sortedUnique([...Object.keys(plan.quotas), ...addOns.flatMap((addOn) => (addOn.metric && addOn.quantity > 0 ? [addOn.metric] : []))]);
  return {
    subscriptionId: subscription.id,
    planCode: plan.code,
    status: subscription.status,
    features: sortedUnique([...(plan.features ?? []), ...addOns.flatMap((addOn) => (addOn.quantity > 0 ? (addOn.features ?? []) : []))]),
    limits: Object.fromEntries(metrics.map((metric) => [metric, effectiveQuota(plan, addOns, metric)])),
  };
}

/** A customer's entitlements: the union of the features and the sum of the limits of their grants. */
export function combineGrants(grants: readonly Grant[]): Grant {
  const limits: Record<string, number> = {};
  for (const grant of grants) {
    for (const [metric, units] of Object.entries(grant.limits)) limits[metric] = (limits[metric] ?? 0) + units;
  }
  const sortedLimits = Object.fromEntries(Object.keys(limits).sort().map((metric) => [metric, limits[metric]!]));
  return { features: sortedUnique(grants.flatMap((grant) => grant.features)), limits: sortedLimits };
}

/**
 * The customer's grants with `subscriptionId`'s replaced by `grant` (or dropped when it grants
 * nothing now), in subscription id order.
 */
export function replaceGrant(grants: readonly SubscriptionGrant[], subscriptionId: string, grant: SubscriptionGrant | null): SubscriptionGrant[] {
  const others = grants.filter((g) => g.subscriptionId !== subscriptionId);
  return (grant ? [...others, grant] : others).sort((a, b) => (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0));
}

/** Whether two lists grant the same (key order aside: JSON columns keep their own). */
export function sameGrants(a: readonly SubscriptionGrant[], b: readonly SubscriptionGrant[]): boolean {
  const canonical = (grants: readonly SubscriptionGrant[]) =>
    JSON.stringify(grants.map((g) => [g.subscriptionId, g.planCode, g.status, g.features, Object.entries(g.limits).sort(([x], [y]) => (x < y ? -1 : 1))]));
  return canonical(a) === canonical(b);
}
