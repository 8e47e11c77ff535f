// Reads from the database projection: lists, a customer, a subscription's invoices and timeline.
// (GET /subscriptions/:id reads the workflow itself, api/services/subscriptions.ts.)
import { readSubscriptionRecords } from '../../infra/subscription-records';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import type { ListSubscriptionsQuery, PageQuery } from '../schemas/reads';
import type { Page } from './pagination';
import { keyset, toPage } from './pagination';
import { timelineEvents, type TimelineEvent } from './timeline';
import { customerView, invoiceSummary, subscriptionSummary } from './views';

type SubscriptionSummary = ReturnType<typeof subscriptionSummary>;

/** The stored view (GET /subscriptions/:id) is the bulk of a row: lists leave it in the database. */
const WITHOUT_VIEW = { view: true } as const;

export async function listSubscriptions({ prisma }: ApiDeps, query: ListSubscriptionsQuery): Promise<Page<SubscriptionSummary>> {
  const { where: after, orderBy } = keyset(query.cursor, 'asc');
  const rows = await prisma.subscription.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.plan ? { planCode: query.plan } : {}),
      ...(query.customer ? { customerId: query.customer } : {}),
      ...after,
    },
    orderBy,
    take: query.limit + 1,
    omit: WITHOUT_VIEW,
  });
  return toPage(rows, query.limit, subscriptionSummary);
}

async function existingSubscription({ prisma }: ApiDeps, id: string): Promise<void> {
  const row = await prisma.subscription.findUnique({ where: { id }, select: { id: true } });
  if (!row) throw notFound(`subscription ${id} does not exist`);
}

export async function getCustomer({ prisma }: ApiDeps, id: string) {
  const customer = await prisma.customer.findUnique({
    where: { id },
    include: { subscriptions: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], omit: WITHOUT_VIEW } },
  });
  if (!customer) throw notFound(`customer ${id} does not exist`);
  return { ...customerView(customer), subscriptions: customer.subscriptions.map(subscriptionSummary) };
}

/** Newest first. */
export async function listInvoices(deps: ApiDeps, subscriptionId: string, query: PageQuery): Promise<Page<ReturnType<typeof invoiceSummary>>> {
  const { where: after, orderBy } = keyset(query.cursor, 'desc');
  const rows = await deps.prisma.invoice.findMany({ where: { subscriptionId, ...after }, orderBy, take: query.limit + 1, omit: { document: true } });
  // An invoice refers to its subscription (foreign key): only an empty page asks whether it exists.
  if (rows.length === 0) await existingSubscription(deps, subscriptionId);
  return toPage(rows, query.limit, invoiceSummary);
}

export async function subscriptionTimeline(deps: ApiDeps, subscriptionId: string): Promise<{ subscriptionId: string; events: TimelineEvent[] }> {
  await existingSubscription(deps, subscriptionId);
  return { subscriptionId, events: timelineEvents(await readSubscriptionRecords(deps.prisma, subscriptionId)) };
}

/** Writes only the flag: the workflow's projection writes never touch it (activities/projection.ts). */
export async function setGrandfathered({ prisma }: ApiDeps, id: string, grandfathered: boolean): Promise<SubscriptionSummary> {
  const { count } = await prisma.subscription.updateMany({ where: { id }, data: { grandfathered } });
  if (count === 0) throw notFound(`subscription ${id} does not exist`);
  return subscriptionSummary(await prisma.subscription.findUniqueOrThrow({ where: { id }, omit: WITHOUT_VIEW }));
}
