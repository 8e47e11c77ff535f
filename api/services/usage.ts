// Usage reports: stored first (the record metered billing reads); signalled to the workflow only
// when an upsell rule asks about the metric (its bounded summary feeds those rules), so a metered
// add-on's thousands of events a period add nothing to the workflow's history. And the running
// period's metered usage.
import { randomUUID } from 'node:crypto';
import { meteredItems } from '../../domain/add-ons';
import type { MeteredAggregation, MeteredBand, MeteredItem, MeteredModel } from '../../domain/metering';
import { aggregate, billableQuantity, DEFAULT_USAGE_GRACE_HOURS, describeBand, priceUsage, usageClosesAt, usageRefusal } from '../../domain/metering';
import { rulesAt, usageMetricsAskedAbout } from '../../domain/offers';
import { isTerminal } from '../../domain/status';
import { isEnded } from '../../domain/subscription';
import { enabledOfferRules } from '../../infra/catalogue';
import { usageLimitRefusal } from '../../domain/usage-limits';
import { aggregateInDatabase, itemEvents } from '../../infra/usage-events';
import { Prisma } from '../../prisma/generated/client';
import * as messages from '../../workflows/contract';
import { VIEW_SHAPE, type SubscriptionView } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { conflict, notFound, ProblemError } from '../problem';
import type { UsageBody } from '../schemas/upsell';
import { withSubscription } from './commands';

export interface UsageRecorded {
  accepted: true;
  /** The same event id was stored before: nothing is counted twice. */
  duplicate: boolean;
  subscriptionId: string;
  metric: string;
  quantity: number;
  mode: 'set' | 'increment';
  eventId: string;
  occurredAt: string;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export async function recordUsage(deps: ApiDeps, id: string, body: UsageBody): Promise<UsageRecorded> {
  const { prisma } = deps;
  const now = (await deps.clock()).toISOString();
  const eventId = body.eventId ?? randomUUID();
  const occurredAt = body.occurredAt ? new Date(body.occurredAt).toISOString() : now;
  const answer = (duplicate: boolean, at: string): UsageRecorded => ({
    accepted: true,
    duplicate,
    subscriptionId: id,
    metric: body.metric,
    quantity: body.quantity,
    mode: body.mode,
    eventId,
    occurredAt: at,
  });

  const stored = await prisma.usageEvent.findUnique({ where: { subscriptionId_idempotencyId: { subscriptionId: id, idempotencyId: eventId } }, select: { occurredAt: true } });
  if (stored) return answer(true, stored.occurredAt.toISOString());

  const row = await prisma.subscription.findUnique({ where: { id }, select: { status: true, currentPeriodStart: true, currentPeriodEnd: true, viewShape: true, view: true } });
  if (!row) throw notFound(`subscription ${id} does not exist`);
  // Nothing is stored for a subscription that will never bill it.
  if (isTerminal(row.status)) throw conflict(`subscription ${id} has ended (${row.status})`);
  const period = row.currentPeriodStart && row.currentPeriodEnd ? { start: row.currentPeriodStart.toISOString(), end: row.currentPeriodEnd.toISOString() } : null;
  const refusal = usageRefusal(occurredAt, now, period, deps.policy.usageGraceHours ?? DEFAULT_USAGE_GRACE_HOURS);
  if (refusal) throw new ProblemError(409, 'usage-too-late', refusal, { occurredAt });

  const data = {
    subscriptionId: id,
    metric: body.metric,
    idempotencyId: eventId,
    value: body.quantity,
    ...(body.properties ? { properties: body.properties } : {}),
    occurredAt: new Date(occurredAt),
    receivedAt: new Date(now),
  };
  const billed = period ? billedUsage(row, body.metric) : null;
  try {
    if (!billed || !period) await prisma.usageEvent.create({ data });
    else {
      await prisma.$transaction(async (tx) => {
        // One report at a time per subscription, so two cannot both pass the limit.
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`usage:${id}`}))`;
        await tx.usageEvent.create({ data });
        const span = usagePeriodOf(occurredAt, period);
        const uses = await Promise.all(billed.items.map(async (item) => ({ item, value: await aggregateInDatabase(tx, id, item, span.from, span.until) })));
        const limit = usageLimitRefusal(uses, billed.currency);
        if (limit) throw new ProblemError(409, 'usage-limit', `${limit}: the report is not stored`, { metric: body.metric, occurredAt });
      });
    }
  } catch (error) {
    // The same report, retried concurrently: the other request stored it.
    if (isUniqueViolation(error)) return answer(true, occurredAt);
    throw error;
  }
  if (await rulesAskAbout(deps, body.metric)) {
    const { properties: _properties, occurredAt: _occurredAt, ...summary } = body;
    await withSubscription(deps, id, (h) => h.signal(messages.recordUsage, { ...summary, eventId }));
  }
  return answer(false, occurredAt);
}

/**
 * The metered add-ons the subscription's stored view holds, and its currency, when one of them bills
 * `metric` (null otherwise: nothing billable to check). The view is written before a command's
 * answer, so an add-on added through the API counts from its answer on.
 */
function billedUsage(row: { viewShape: number; view: Prisma.JsonValue | null }, metric: string): { items: MeteredItem[]; currency: string } | null {
  if (row.viewShape !== VIEW_SHAPE || row.view === null) return null;
  const view = row.view as unknown as SubscriptionView;
  const items = meteredItems(view.addOns);
  return items.some((item) => item.metric === metric) ? { items, currency: view.plan.currency } : null;
}

/** The period an event falls in: the recorded one, or (in its grace window) the one after it. */
function usagePeriodOf(occurredAt: string, period: { start: string; end: string }): { from: Date; until: Date } {
  return occurredAt < period.end ? { from: new Date(period.start), until: new Date(period.end) } : { from: new Date(period.end), until: END_OF_TIME };
}

const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

/** Whether an enabled upsell rule looks at `metric` (read on every report: a rule edited now applies now). */
async function rulesAskAbout({ prisma }: ApiDeps, metric: string): Promise<boolean> {
  // A rule broken by a hand edit asks nothing, as the evaluation skips it (and logs it there).
  const rules = await enabledOfferRules(prisma, () => undefined);
  return usageMetricsAskedAbout(rulesAt(rules, 'renewal')).has(metric);
}

export interface MeteredUsageView {
  code: string;
  name: string;
  metric: string;
  model: MeteredModel;
  aggregation: MeteredAggregation;
  /** The period's aggregate so far, and the whole units it bills. */
  value: number;
  quantity: number;
  includedUnits: number;
  /** What the period would cost if it ended now. */
  amountCents: number;
  bands: Array<MeteredBand & { description: string }>;
}

export interface RunningUsage {
  subscriptionId: string;
  period: { start: string; end: string };
  currency: string;
  /** Until when late usage of this period is still taken (its end plus the grace window). */
  closesAt: string;
  items: MeteredUsageView[];
  amountCents: number;
}

/** The running period's usage of every metered add-on held, priced as the renewal will price it. */
export async function runningUsage(deps: ApiDeps, id: string): Promise<RunningUsage> {
  const view = await withSubscription(deps, id, (h) => h.query(messages.getSubscription), 'read');
  if (isEnded(view)) throw conflict(`subscription ${id} has ended (${view.status})`);
  const period = view.currentPeriod;
  const currency = view.plan.currency;
  const items = meteredItems(view.addOns);
  const events = await itemEvents(deps.prisma, id, items, period);
  const shown = items.map((item): MeteredUsageView => {
    const value = aggregate(events.get(item.code) ?? [], item.pricing.aggregation, item.pricing.property);
    const charge = priceUsage(item.pricing, billableQuantity(value), currency);
    return {
      code: item.code,
      name: item.name,
      metric: item.metric,
      model: item.pricing.model,
      aggregation: item.pricing.aggregation,
      value,
      quantity: charge.quantity,
      includedUnits: charge.includedUnits,
      amountCents: charge.amountCents,
      bands: charge.bands.map((band) => ({ ...band, description: describeBand(band, currency) })),
    };
  });
  return {
    subscriptionId: id,
    period: { start: period.start, end: period.end },
    currency,
    closesAt: usageClosesAt(period.end, view.policy.usageGraceHours),
    items: shown,
    amountCents: shown.reduce((sum, item) => sum + item.amountCents, 0),
  };
}
