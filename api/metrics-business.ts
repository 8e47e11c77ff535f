// Business metrics read from the database at scrape time, so every API replica reports the same,
// correct figures however many workers and replicas write them (aggregate with max, not sum).
import { Counter, Gauge, type Registry } from 'prom-client';
import { monthlyAmountCents } from '../domain/plans';
import type { Logger } from '../infra/logger';
import type { PrismaClient } from '../prisma/generated/client';

/** Statuses whose subscriptions pay every period: what monthly recurring revenue counts. */
export const MRR_STATUSES = ['active', 'past_due'] as const;

interface PlanPrice {
  code: string;
  amountCents: number;
  currency: string;
  intervalUnit: 'second' | 'day' | 'week' | 'month' | 'year';
  intervalCount: number;
}

interface SubscriptionCount {
  status: string;
  planCode: string;
  count: number;
}

export interface BusinessSnapshot {
  subscriptions: SubscriptionCount[];
  plans: PlanPrice[];
  charges: { outcome: string; count: number }[];
  recoveries: number;
  offers: { status: string; count: number }[];
}

/** Monthly recurring revenue per currency, at each plan's list price; every catalogue currency appears. */
export function mrrByCurrency(subscriptions: SubscriptionCount[], plans: PlanPrice[]): Map<string, number> {
  const mrr = new Map<string, number>(plans.map((plan) => [plan.currency, 0]));
  const byCode = new Map(plans.map((plan) => [plan.code, plan]));
  for (const row of subscriptions) {
    const plan = byCode.get(row.planCode);
    if (!plan || !(MRR_STATUSES as readonly string[]).includes(row.status)) continue;
    const monthly = monthlyAmountCents({ amountCents: plan.amountCents, interval: { unit: plan.intervalUnit, count: plan.intervalCount } });
    mrr.set(plan.currency, (mrr.get(plan.currency) ?? 0) + monthly * row.count);
  }
  return mrr;
}

/** Five grouped queries, each answered from an index or a small table. */
export async function readBusinessSnapshot(prisma: PrismaClient): Promise<BusinessSnapshot> {
  const [subscriptions, plans, charges, recoveries, offers] = await Promise.all([
    prisma.subscription.groupBy({ by: ['status', 'planCode'], _count: { _all: true } }),
    prisma.plan.findMany({ select: { code: true, amountCents: true, currency: true, intervalUnit: true, intervalCount: true } }),
    prisma.paymentAttempt.groupBy({ by: ['outcome'], _count: { _all: true } }),
    prisma.invoice.count({ where: { status: 'paid', attempts: { some: { outcome: 'declined' } } } }),
    prisma.offer.groupBy({ by: ['status'], _count: { _all: true } }),
  ]);
  return {
    subscriptions: subscriptions.map((row) => ({ status: row.status, planCode: row.planCode, count: row._count._all })),
    plans,
    charges: charges.map((row) => ({ outcome: row.outcome, count: row._count._all })),
    recoveries,
    offers: offers.map((row) => ({ status: row.status, count: row._count._all })),
  };
}

/**
 * One database read per scrape, shared by all the metrics below: prom-client collects them
 * concurrently, and they must describe the same moment.
 */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

export function registerBusinessMetrics(registry: Registry, prisma: PrismaClient, log: Logger): void {
  const snapshot = perScrape(async () => {
    try {
      return await readBusinessSnapshot(prisma);
    } catch (error) {
      log.warn({ err: error }, 'business metrics unavailable: the database did not answer');
      return null;
    }
  });
  /** Refills a metric from this scrape's snapshot; when the database is down it keeps its last values. */
  const fill =
    <M extends { reset(): void }>(write: (metric: M, data: BusinessSnapshot) => void) =>
    async function (this: M): Promise<void> {
      const data = await snapshot();
      if (!data) return;
      this.reset();
      write(this, data);
    };
  const registers = [registry];

  new Gauge({
    name: 'business_metrics_up',
    help: '1 when the business metrics were read from the database at this scrape; 0 when they are the last values read',
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'subscriptions',
    help: 'Subscriptions by status and plan (the database projection of the workflows)',
    labelNames: ['status', 'plan'] as const,
    registers,
    collect: fill((gauge, data) => {
      for (const row of data.subscriptions) gauge.set({ status: row.status, plan: row.planCode }, row.count);
    }),
  });
  new Gauge({
    name: 'mrr_cents',
    help: `Monthly recurring revenue in minor units: the plan list price per month of ${MRR_STATUSES.join(' and ')} subscriptions`,
    labelNames: ['currency'] as const,
    registers,
    collect: fill((gauge, data) => {
      for (const [currency, cents] of mrrByCurrency(data.subscriptions, data.plans)) gauge.set({ currency }, cents);
    }),
  });
  new Counter({
    name: 'charges_total',
    help: 'Payment attempts by outcome (pending: at the gateway right now)',
    labelNames: ['outcome'] as const,
    registers,
    collect: fill((counter, data) => {
      for (const row of data.charges) counter.inc({ outcome: row.outcome }, row.count);
    }),
  });
  new Counter({
    name: 'dunning_recoveries_total',
    help: 'Invoices paid after at least one declined attempt (a retry or a new payment method succeeded)',
    registers,
    collect: fill<Counter>((counter, data) => counter.inc(data.recoveries)),
  });
  new Gauge({
    name: 'offers',
    help: 'Upsell offers by current status (open, accepted, declined, expired)',
    labelNames: ['status'] as const,
    registers,
    collect: fill((gauge, data) => {
      for (const row of data.offers) gauge.set({ status: row.status }, row.count);
    }),
  });
  new Counter({
    name: 'offers_accepted_total',
    help: 'Upsell offers accepted',
    registers,
    collect: fill<Counter>((counter, data) => counter.inc(data.offers.find((row) => row.status === 'accepted')?.count ?? 0)),
  });
}
