// Revenue, churn and dunning figures, read from the totals the projection maintains
// (activities/subscription-totals.ts): a few small rows per request, however many subscriptions.
import { CHURN_FROM, DUNNING_STATUSES, MRR_STATUSES } from '../../domain/revenue';
import type { SubscriptionStatus } from '../../domain/status';
import { readSubscriptionTotals } from '../../activities/subscription-totals';
import type { ApiDeps } from '../deps';
import type { MonthsQuery } from '../schemas/reports';

const includes = (statuses: readonly SubscriptionStatus[], status: SubscriptionStatus) => statuses.includes(status);

export async function revenueReport({ prisma }: ApiDeps) {
  const [totals, catalogue] = await Promise.all([
    readSubscriptionTotals(prisma),
    prisma.plan.findMany({ distinct: ['currency'], select: { currency: true } }),
  ]);
  // Every catalogue currency appears, at 0 when nothing pays in it.
  const currencies = [...new Set([...catalogue.map((plan) => plan.currency), ...totals.map((row) => row.currency)])].sort();
  return {
    mrrStatuses: [...MRR_STATUSES],
    currencies: currencies.map((currency) => {
      const rows = totals.filter((row) => row.currency === currency);
      const paying = rows.filter((row) => includes(MRR_STATUSES, row.status));
      return {
        currency,
        mrrCents: paying.reduce((sum, row) => sum + row.monthlyAmountCents, 0),
        payingSubscriptions: paying.reduce((sum, row) => sum + row.subscriptions, 0),
        byStatus: rows.map(({ status, subscriptions, monthlyAmountCents }) => ({ status, subscriptions, monthlyAmountCents })),
      };
    }),
  };
}

/** First day (UTC) of the month `months - 1` months before now's: the window covers `months` calendar months. */
function windowStart(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
}

const monthLabel = (month: Date) => month.toISOString().slice(0, 7);

async function flows(deps: ApiDeps, months: number) {
  const from = windowStart(await deps.clock(), months);
  const rows = await deps.prisma.statusFlow.findMany({ where: { month: { gte: from } }, orderBy: [{ month: 'asc' }, { currency: 'asc' }] });
  return { from, rows: rows.map((row) => ({ ...row, monthlyAmountCents: Number(row.monthlyAmountCents) })) };
}

type Flow = Awaited<ReturnType<typeof flows>>['rows'][number];

/** One row per (month, currency) with a flow, summing what `add` takes from each; all-zero rows are left out. */
function perMonth<T extends Record<string, number>>(rows: Flow[], zero: () => T, add: (into: T, flow: Flow) => void) {
  const out = new Map<string, { month: string; currency: string } & T>();
  for (const flow of rows) {
    const key = `${monthLabel(flow.month)}|${flow.currency}`;
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { month: monthLabel(flow.month), currency: flow.currency, ...zero() }));
    add(entry, flow);
  }
  return [...out.values()].filter((entry) => Object.keys(zero()).some((field) => entry[field] !== 0));
}

export async function churnReport(deps: ApiDeps, { months }: MonthsQuery) {
  const { from, rows } = await flows(deps, months);
  const churn = rows.filter((flow) => flow.to === 'canceled' && includes(CHURN_FROM, flow.from));
  return {
    from: monthLabel(from),
    churnFrom: [...CHURN_FROM],
    months: perMonth(
      churn,
      () => ({ churned: 0, mrrLostCents: 0 }),
      (into, flow) => {
        into.churned += flow.changes;
        into.mrrLostCents += flow.monthlyAmountCents;
      },
    ),
  };
}

export async function dunningReport(deps: ApiDeps, { months }: MonthsQuery) {
  const [{ from, rows }, totals] = await Promise.all([flows(deps, months), readSubscriptionTotals(deps.prisma)]);
  const inDunning = (status: SubscriptionStatus) => includes(DUNNING_STATUSES, status);
  const current = totals.filter((row) => inDunning(row.status));
  return {
    from: monthLabel(from),
    current: current.map(({ currency, status, subscriptions, monthlyAmountCents }) => ({ currency, status, subscriptions, monthlyAmountCents })),
    months: perMonth(
      rows,
      () => ({ entered: 0, recovered: 0, recoveredMrrCents: 0, unpaid: 0, lost: 0, lostMrrCents: 0 }),
      (into, flow) => {
        if (flow.to === 'past_due' && !inDunning(flow.from)) into.entered += flow.changes;
        if (!inDunning(flow.from)) return;
        if (flow.to === 'active') {
          into.recovered += flow.changes;
          into.recoveredMrrCents += flow.monthlyAmountCents;
        } else if (flow.to === 'unpaid') {
          into.unpaid += flow.changes;
        } else if (flow.to === 'canceled') {
          into.lost += flow.changes;
          into.lostMrrCents += flow.monthlyAmountCents;
        }
      },
    ),
  };
}
