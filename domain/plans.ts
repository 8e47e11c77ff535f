// The plan catalogue seeded into every database, and the snapshot of a plan that a subscription
// carries (prices are locked when subscribing; catalogue edits do not reprice live subscriptions).
import type { BillingInterval } from './calendar';

export interface PlanSnapshot {
  code: string;
  name: string;
  product: string;
  /** Position in the upgrade ladder: a higher tier is an upgrade. */
  tier: number;
  interval: BillingInterval;
  amountCents: number;
  currency: string;
  trialDays: number;
}

interface Tier {
  product: string;
  name: string;
  tier: number;
  monthly: { EUR: number; NOK: number };
  trialDays: number;
}

const TIERS: Tier[] = [
  { product: 'basic', name: 'Basic', tier: 1, monthly: { EUR: 900, NOK: 9_900 }, trialDays: 0 },
  { product: 'pro', name: 'Pro', tier: 2, monthly: { EUR: 2_900, NOK: 29_900 }, trialDays: 0 },
  { product: 'business', name: 'Business', tier: 3, monthly: { EUR: 9_900, NOK: 99_900 }, trialDays: 14 },
];

/** Yearly plans cost ten months: two months free. */
const MONTHS_CHARGED_PER_YEAR = 10;

function catalogue(): PlanSnapshot[] {
  const plans: PlanSnapshot[] = [];
  for (const tier of TIERS) {
    for (const currency of ['EUR', 'NOK'] as const) {
      const suffix = currency === 'EUR' ? '' : '-nok';
      plans.push(
        {
          code: `${tier.product}-monthly${suffix}`,
          name: `${tier.name} monthly`,
          product: tier.product,
          tier: tier.tier,
          interval: { unit: 'month', count: 1 },
          amountCents: tier.monthly[currency],
          currency,
          trialDays: tier.trialDays,
        },
        {
          code: `${tier.product}-yearly${suffix}`,
          name: `${tier.name} yearly`,
          product: tier.product,
          tier: tier.tier,
          interval: { unit: 'year', count: 1 },
          amountCents: tier.monthly[currency] * MONTHS_CHARGED_PER_YEAR,
          currency,
          trialDays: tier.trialDays,
        },
      );
    }
  }
  return plans;
}

export const PLAN_CATALOGUE: readonly PlanSnapshot[] = catalogue();
