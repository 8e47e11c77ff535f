// The plan catalogue seeded into every database, and the snapshot of a plan that a subscription
// carries (prices are locked when subscribing; catalogue edits do not reprice live subscriptions).
import type { BillingInterval } from './calendar';
import type { TaxCode } from './tax/types';

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
  /** Units included in the price, per usage metric (e.g. seats: 10); upsell rules compare usage to these. */
  quotas: Record<string, number>;
  /**
   * Feature keys it grants (e.g. "sso"), as sold; absent in snapshots taken before features
   * existed (domain/entitlements.ts then reads the catalogue's).
   */
  features?: string[];
  /** Its VAT category and whether its price includes VAT; absent: standard, included. */
  tax?: TaxCode;
  /**
   * The plan's price version amountCents is (PlanPriceVersion, from 1). Absent in snapshots taken
   * before price versions were recorded: older than every version.
   */
  priceVersion?: number;
}

interface Tier {
  product: string;
  name: string;
  tier: number;
  monthly: { EUR: number; NOK: number };
  trialDays: number;
  quotas: Record<string, number>;
  features: string[];
}

/** What plans sell; a plan names its product by code. */
export interface ProductDefinition {
  code: string;
  name: string;
  description: string;
}

const TIERS: Tier[] = [
  { product: 'basic', name: 'Basic', tier: 1, monthly: { EUR: 900, NOK: 9_900 }, trialDays: 0, quotas: { seats: 3, storage_gb: 10 }, features: ['api'] },
  { product: 'pro', name: 'Pro', tier: 2, monthly: { EUR: 2_900, NOK: 29_900 }, trialDays: 0, quotas: { seats: 10, storage_gb: 100 }, features: ['api', 'priority-support', 'sso-lite'] },
  {
    product: 'business',
    name: 'Business',
    tier: 3,
    monthly: { EUR: 9_900, NOK: 99_900 },
    trialDays: 14,
    quotas: { seats: 50, storage_gb: 1_000 },
    features: ['api', 'audit-log', 'priority-support', 'sso', 'sso-lite'],
  },
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
          quotas: tier.quotas,
          features: tier.features,
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
          quotas: tier.quotas,
          features: tier.features,
        },
      );
    }
  }
  return plans;
}

export const PLAN_CATALOGUE: readonly PlanSnapshot[] = catalogue();

export const PRODUCT_CATALOGUE: readonly ProductDefinition[] = TIERS.map((tier) => ({ code: tier.product, name: tier.name, description: '' }));

/** Price per month, for comparing plans of different intervals and for MRR. */
export function monthlyAmountCents(plan: Pick<PlanSnapshot, 'amountCents' | 'interval'>): number {
  const months = { second: 12 / 31_556_952, day: 12 / 365, week: 12 / 52, month: 1, year: 12 }[plan.interval.unit] * plan.interval.count;
  return Math.round(plan.amountCents / months);
}
