// Price versions: a price change adds the plan's next version and makes it the plan's price, in
// one transaction that holds the plan row's lock, so concurrent changes take turns and each gets
// its own number (the primary key (planCode, version) would refuse a second one anyway). New
// subscriptions and plan changes take the plan's current version; subscriptions keep theirs until
// a bulk migration moves them (POST /plans/:code/migrations with `toVersion`).
import type { PlanPriceVersion, SubscriptionStatus } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound } from '../problem';
import type { NewPriceVersionBody, PriceVersionsQuery } from '../schemas/price-versions';

const ENDED: SubscriptionStatus[] = ['canceled', 'incomplete_expired'];

/** Ended subscriptions pay no price any more; the API's placeholder row (state version 0) none yet. */
const LIVE_SUBSCRIPTION = { status: { notIn: ENDED }, stateVersion: { gt: 0 } };

function versionView(row: PlanPriceVersion, currentVersion: number) {
  return {
    version: row.version,
    amountCents: row.amountCents,
    currency: row.currency,
    current: row.version === currentVersion,
    createdAt: row.createdAt.toISOString(),
    /** The API key (its prefix) that set the price; null for the plan's first version. */
    createdBy: row.createdBy,
  };
}

interface LockedPlan {
  priceVersion: number;
  amountCents: number;
  currency: string;
  active: boolean;
}

/** `createdBy`: the prefix of the API key asking. */
export async function addPriceVersion(deps: ApiDeps, code: string, body: NewPriceVersionBody, createdBy: string | null) {
  const createdAt = await deps.clock();
  return deps.prisma.$transaction(async (tx) => {
    // A concurrent change waits here for this one to commit, then reads the version it left.
    const [plan] = await tx.$queryRaw<LockedPlan[]>`
      SELECT "priceVersion", "amountCents", "currency", "active" FROM "Plan" WHERE "code" = ${code} FOR UPDATE`;
    if (!plan) throw notFound(`plan ${code} does not exist`);
    if (!plan.active) throw conflict(`plan ${code} is archived; its price cannot change`);
    // Also what a retried request without an Idempotency-Key meets: no second version of one change.
    if (plan.amountCents === body.amountCents) throw conflict(`plan ${code} already costs ${body.amountCents} (price version ${plan.priceVersion})`);
    const version = plan.priceVersion + 1;
    await tx.plan.update({ where: { code }, data: { priceVersion: version, amountCents: body.amountCents } });
    const row = await tx.planPriceVersion.create({ data: { planCode: code, version, amountCents: body.amountCents, currency: plan.currency, createdAt, createdBy } });
    return { plan: code, ...versionView(row, version) };
  });
}

function decodeVersionCursor(raw: string): number {
  const version = Number(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!Number.isInteger(version) || version < 1) throw invalid([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  return version;
}

/** The plan's versions, newest first, each with the live subscriptions billed at it. */
export async function listPriceVersions({ prisma }: ApiDeps, code: string, query: PriceVersionsQuery) {
  const plan = await prisma.plan.findUnique({ where: { code }, select: { priceVersion: true } });
  if (!plan) throw notFound(`plan ${code} does not exist`);
  const before = query.cursor ? decodeVersionCursor(query.cursor) : null;
  const rows = await prisma.planPriceVersion.findMany({
    where: { planCode: code, ...(before ? { version: { lt: before } } : {}) },
    orderBy: { version: 'desc' },
    take: query.limit + 1,
  });
  const shown = rows.slice(0, query.limit);
  const counts = await prisma.subscription.groupBy({
    by: ['planPriceVersion'],
    where: { planCode: code, ...LIVE_SUBSCRIPTION, OR: [{ planPriceVersion: { in: shown.map((row) => row.version) } }, { planPriceVersion: null }] },
    _count: { _all: true },
  });
  const subscribers = (version: number | null) => counts.find((c) => c.planPriceVersion === version)?._count._all ?? 0;
  const last = shown.at(-1);
  return {
    plan: code,
    currentVersion: plan.priceVersion,
    /** Live subscriptions that bought the plan before price versions were recorded. */
    subscribersWithoutVersion: subscribers(null),
    data: shown.map((row) => ({ ...versionView(row, plan.priceVersion), subscribers: subscribers(row.version) })),
    nextCursor: rows.length > query.limit && last ? Buffer.from(String(last.version)).toString('base64url') : null,
  };
}
