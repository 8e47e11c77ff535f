// Quotes: a plan and package items offered to a customer. A draft is edited, sent (its link is
// emailed, the row keeps only the link token's hash), and accepted by the customer on the link's
// page or by sales on the customer's behalf; the acceptance creates the subscription through
// createSubscription, under an id derived from the quote's, so a retried or concurrent acceptance
// makes one subscription. A sent quote past its expiresAt reads as expired and cannot be accepted.
import { randomBytes } from 'node:crypto';
import type { EmailIntent } from '../../domain/effects';
import type { QuotePricing } from '../../domain/quote';
import { renderEmail } from '../../emails/templates';
import { queueOutboxEmail } from '../../activities/email-outbox';
import { NOTHING_RECORDED, publishWebhookEvents, recordWebhookEvents } from '../../activities/webhook-outbox';
import { quoteEvent, type QuotePayload } from '../../domain/webhooks';
import { quotePageLink, quoteToken, quoteTokenId } from '../../infra/links';
import { hashToken } from '../../portal/sessions';
import { Prisma, type Quote } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound, ProblemError } from '../problem';
import type { CreateQuoteBody, ListQuotesQuery, QuoteStatus, UpdateQuoteBody } from '../schemas/quotes';
import { keyset, toPage, type Page } from './pagination';
import { customerOf, itemsOf, priceOf, pricingForRead, quoteSubscriptionId } from './quote-pricing';
import { createSubscription, getSubscriptionView, type CreateResult } from './subscriptions';
import { billingProfileOf } from './views';

export type QuoteView = ReturnType<typeof quoteView>;

/** A sent quote past its expiry is expired; nothing writes it (reading it is enough). */
export function statusOf(row: Quote, now: Date): QuoteStatus {
  return row.status === 'sent' && row.expiresAt <= now ? 'expired' : (row.status as QuoteStatus);
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function quoteView(row: Quote, now: Date, pricing?: QuotePricing | null) {
  const { addOns, customLines } = itemsOf(row);
  return {
    id: row.id,
    status: statusOf(row, now),
    customer: { id: row.customerId, email: row.customerEmail, name: row.customerName },
    plan: row.planCode,
    currency: row.currency,
    addOns,
    customLines,
    coupon: row.coupon,
    paymentMethod: row.paymentMethod,
    language: row.language as 'en' | 'nb',
    expiresAt: row.expiresAt.toISOString(),
    sentAt: iso(row.sentAt),
    acceptedAt: iso(row.acceptedAt),
    canceledAt: iso(row.canceledAt),
    subscriptionId: row.subscriptionId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(pricing === undefined ? {} : { pricing }),
  };
}

/** The customer fields of a quote: an existing customer by id, or an email (an existing customer's, or a new one's). */
async function customerFields({ prisma }: ApiDeps, customer: CreateQuoteBody['customer']) {
  if (customer.id) {
    const row = await prisma.customer.findUnique({ where: { id: customer.id } });
    if (!row) throw invalid([{ field: 'customer.id', message: `no customer has the id "${customer.id}"` }]);
    return { row, fields: { customerId: row.id, customerEmail: row.email, customerName: customer.name ?? row.name } };
  }
  const email = customer.email!;
  const row = await prisma.customer.findUnique({ where: { email } });
  return { row, fields: { customerId: row?.id ?? null, customerEmail: email, customerName: customer.name ?? row?.name ?? null } };
}

function futureExpiry(expiresAt: Date, now: Date): void {
  if (expiresAt <= now) throw invalid([{ field: 'expiresAt', message: `must be in the future (it is ${now.toISOString()} now)` }]);
}

async function found({ prisma }: ApiDeps, id: string): Promise<Quote> {
  const row = await prisma.quote.findUnique({ where: { id } });
  if (!row) throw notFound(`no quote has the id ${id}`);
  return row;
}

const quoteExpired = (row: Quote) =>
  new ProblemError(409, 'quote-expired', `quote ${row.id} expired at ${row.expiresAt.toISOString()}`, { expiresAt: row.expiresAt.toISOString() });

const outbox = (deps: ApiDeps) => ({ prisma: deps.prisma, temporal: { client: deps.temporal, taskQueue: deps.taskQueue } });

/**
 * Changes the quote with `change` (a conditional update: none or one row) and records its webhook
 * event in the same transaction, only when the row changed: one event per quote and fact.
 */
async function withEvent(deps: ApiDeps, type: 'quote.sent' | 'quote.accepted', at: Date, change: (tx: Prisma.TransactionClient) => Promise<Quote[]>) {
  return deps.prisma.$transaction(async (tx) => {
    const [changed] = await change(tx);
    if (!changed) return { changed: null, recorded: NOTHING_RECORDED };
    const payload: QuotePayload = {
      id: changed.id,
      status: changed.status,
      customerId: changed.customerId,
      customerEmail: changed.customerEmail,
      plan: changed.planCode,
      currency: changed.currency,
      expiresAt: changed.expiresAt.toISOString(),
      subscriptionId: changed.subscriptionId,
    };
    return { changed, recorded: await recordWebhookEvents(tx, [quoteEvent(type, payload, at.toISOString())]) };
  });
}

export async function createQuote(deps: ApiDeps, body: CreateQuoteBody): Promise<QuoteView> {
  const now = await deps.clock();
  const expiresAt = new Date(body.expiresAt);
  futureExpiry(expiresAt, now);
  const { row: customer, fields } = await customerFields(deps, body.customer);
  const draft = {
    id: `quo_${randomBytes(10).toString('hex')}`,
    ...fields,
    planCode: body.plan,
    items: { addOns: body.addOns ?? [], customLines: body.customLines ?? [] },
    coupon: body.coupon ?? null,
    paymentMethod: body.paymentMethod ?? null,
  };
  // Priced before it is written: what cannot be sold is refused, naming its field.
  const { plan, pricing } = await priceOf(deps, draft, customer, now);
  const row = await deps.prisma.quote.create({
    data: { ...draft, items: draft.items as unknown as Prisma.InputJsonObject, currency: plan.currency, expiresAt, language: body.language ?? 'en', createdAt: now },
  });
  return quoteView(row, now, pricing);
}

/** The sent quote a link's token opens (signed by us, and the one the row was sent with); null for anything else. */
export async function quoteByToken({ prisma, links }: ApiDeps, token: string): Promise<Quote | null> {
  const id = quoteTokenId(links, token);
  if (!id) return null;
  const row = await prisma.quote.findUnique({ where: { id } });
  return row?.tokenHash === hashToken(token) ? row : null;
}

/** What the quote's page shows: the quote, its pricing while open, and its customer (null until there is one). */
export async function quoteForPage(deps: ApiDeps, row: Quote) {
  const now = await deps.clock();
  const plan = await deps.prisma.plan.findUnique({ where: { code: row.planCode } });
  const subscription = row.subscriptionId ? await deps.prisma.subscription.findUnique({ where: { id: row.subscriptionId }, select: { status: true } }) : null;
  return {
    quote: quoteView(row, now, await pricingForRead(deps, row, now)),
    customer: await customerOf(deps, row),
    planName: plan?.name ?? row.planCode,
    /** The subscription's status as the database last projected it: `incomplete` while its first payment is not made. */
    subscriptionStatus: subscription?.status ?? null,
  };
}

export async function getQuote(deps: ApiDeps, id: string): Promise<QuoteView> {
  const now = await deps.clock();
  const row = await found(deps, id);
  return quoteView(row, now, await pricingForRead(deps, row, now));
}

export async function listQuotes(deps: ApiDeps, query: ListQuotesQuery): Promise<Page<QuoteView>> {
  const now = await deps.clock();
  const { where: after, orderBy } = keyset(query.cursor, 'desc');
  const status: Prisma.QuoteWhereInput | undefined = !query.status
    ? undefined
    : query.status === 'sent'
      ? { status: 'sent', expiresAt: { gt: now } }
      : query.status === 'expired'
        ? { status: 'sent', expiresAt: { lte: now } }
        : { status: query.status };
  const customer: Prisma.QuoteWhereInput | undefined = query.customer ? { OR: [{ customerId: query.customer }, { customerEmail: query.customer }] } : undefined;
  const rows = await deps.prisma.quote.findMany({ where: { AND: [after, status ?? {}, customer ?? {}] }, orderBy, take: query.limit + 1 });
  return toPage(rows, query.limit, (row) => quoteView(row, now));
}

/** A draft's fields replaced; a sent, accepted or canceled quote is what it is (409). */
export async function updateQuote(deps: ApiDeps, id: string, body: UpdateQuoteBody): Promise<QuoteView> {
  const now = await deps.clock();
  const row = await found(deps, id);
  if (row.status !== 'draft') throw conflict(`quote ${id} is ${statusOf(row, now)}: only a draft can be changed`, { quoteStatus: statusOf(row, now) });
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : row.expiresAt;
  if (body.expiresAt) futureExpiry(expiresAt, now);
  const current = itemsOf(row);
  const { row: customer, fields } = body.customer ? await customerFields(deps, body.customer) : { row: await customerOf(deps, row), fields: {} };
  const next = {
    ...row,
    ...fields,
    planCode: body.plan ?? row.planCode,
    items: { addOns: body.addOns ?? current.addOns, customLines: body.customLines ?? current.customLines },
    coupon: body.coupon === undefined ? row.coupon : body.coupon,
    paymentMethod: body.paymentMethod === undefined ? row.paymentMethod : body.paymentMethod,
  };
  const { plan, pricing } = await priceOf(deps, next, customer, now);
  const data = {
    ...fields,
    planCode: next.planCode,
    currency: plan.currency,
    items: next.items as unknown as Prisma.InputJsonObject,
    coupon: next.coupon,
    paymentMethod: next.paymentMethod,
    expiresAt,
    ...(body.language ? { language: body.language } : {}),
  };
  // Only while still a draft: a send that got in first wins, and this edit is refused.
  const [updated] = await deps.prisma.quote.updateManyAndReturn({ where: { id, status: 'draft' }, data });
  if (!updated) throw conflict(`quote ${id} was sent meanwhile: only a draft can be changed`);
  return quoteView(updated, now, pricing);
}

/**
 * Sends a draft: the link's token is derived from the quote's id (infra/links.ts), the row keeps
 * its hash, and the email is queued through the outbox in the customer's language (their billing
 * profile's, else the quote's). Sending a sent quote again answers its link and emails nothing.
 */
export async function sendQuote(deps: ApiDeps, id: string): Promise<{ quote: QuoteView; url: string }> {
  const now = await deps.clock();
  const row = await found(deps, id);
  const url = quotePageLink(deps.links, id);
  if (row.status === 'sent' && statusOf(row, now) === 'sent') return { quote: quoteView(row, now), url };
  if (row.status !== 'draft') throw conflict(`quote ${id} is ${statusOf(row, now)}: only a draft can be sent`, { quoteStatus: statusOf(row, now) });
  if (row.expiresAt <= now) throw quoteExpired(row);
  const customer = await customerOf(deps, row);
  const { plan, pricing } = await priceOf(deps, row, customer, now);
  const { changed: sent, recorded } = await withEvent(deps, 'quote.sent', now, (tx) =>
    tx.quote.updateManyAndReturn({ where: { id, status: 'draft' }, data: { status: 'sent', sentAt: now, tokenHash: hashToken(quoteToken(deps.links, id)) } }),
  );
  if (!sent) return sendQuote(deps, id);
  await publishWebhookEvents(outbox(deps), recorded);
  const language = (customer && billingProfileOf(customer)?.language) || (row.language as 'en' | 'nb');
  const intent: EmailIntent = {
    key: `quote/${id}`,
    to: row.customerEmail,
    customerName: row.customerName,
    subscriptionId: null,
    content: { template: 'quote', quoteId: id, language, planName: plan.name, firstInvoiceCents: pricing.firstInvoice.totalCents, currency: plan.currency, expiresAt: row.expiresAt.toISOString() },
  };
  await queueOutboxEmail(
    outbox(deps),
    { intent, subject: () => renderEmail(intent).subject, at: now, ...(customer ? { customerId: customer.id } : {}) },
  );
  return { quote: quoteView(sent, now, pricing), url };
}

export interface Acceptance {
  quote: QuoteView;
  subscription: CreateResult['subscription'];
  created: boolean;
}

/**
 * Accepts a draft or sent quote before its expiry: creates the subscription (its first charge
 * included, as POST /subscriptions does) under the quote's subscription id, then marks the quote
 * accepted with it. Accepting an accepted quote answers its subscription again. A declined first
 * charge still makes the subscription (incomplete, waiting for a working card as any new
 * subscription whose first payment failed), so the quote is accepted with it all the same.
 */
export async function acceptQuote(deps: ApiDeps, id: string, given: { paymentMethod?: string | undefined }): Promise<Acceptance> {
  const now = await deps.clock();
  const row = await found(deps, id);
  if (row.status === 'accepted' && row.subscriptionId) {
    return { quote: quoteView(row, now, null), subscription: await getSubscriptionView(deps, row.subscriptionId), created: false };
  }
  if (row.status === 'canceled') throw conflict(`quote ${id} is canceled`, { quoteStatus: 'canceled' });
  const subscriptionId = quoteSubscriptionId(id);
  // An acceptance that made the subscription but stopped before marking the quote is finished, even past the expiry.
  const made = await deps.prisma.subscription.findUnique({ where: { id: subscriptionId } });
  const paymentMethod = made?.paymentMethod ?? row.paymentMethod ?? given.paymentMethod;
  if (!made && row.expiresAt <= now) throw quoteExpired(row);
  if (!paymentMethod) throw invalid([{ field: 'paymentMethod', message: 'the quote has no payment method: give the one to charge' }]);
  const { addOns, customLines } = itemsOf(row);
  const body = {
    id: subscriptionId,
    customer: { ...(row.customerId ? { id: row.customerId } : {}), email: row.customerEmail, ...(row.customerName ? { name: row.customerName } : {}) },
    plan: row.planCode,
    paymentMethod,
    ...(addOns.length > 0 ? { addOns } : {}),
    ...(customLines.length > 0 ? { customLines } : {}),
    ...(row.coupon ? { coupon: row.coupon } : {}),
  };
  // Two acceptances at once both create the new customer: the one that loses to the other's row
  // tries again, finds it, and attaches to the same subscription.
  const result = await createSubscription(deps, body).catch((error: unknown) => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return createSubscription(deps, body);
    throw error;
  });
  const customer = await deps.prisma.customer.findUnique({ where: { email: row.customerEmail } });
  // The subscription exists: the quote is accepted with it, whoever got here first.
  const { recorded } = await withEvent(deps, 'quote.accepted', now, (tx) =>
    tx.quote.updateManyAndReturn({
      where: { id, status: { not: 'accepted' } },
      data: { status: 'accepted', acceptedAt: now, subscriptionId, paymentMethod, customerId: customer?.id ?? row.customerId },
    }),
  );
  await publishWebhookEvents(outbox(deps), recorded);
  return { quote: quoteView(await found(deps, id), now, null), subscription: result.subscription, created: result.created };
}

/** Cancels a draft or sent (or expired) quote; canceling a canceled one answers it again; an accepted one is final (409). */
export async function cancelQuote(deps: ApiDeps, id: string): Promise<QuoteView> {
  const now = await deps.clock();
  const row = await found(deps, id);
  if (row.status === 'accepted') throw conflict(`quote ${id} is accepted: cancel subscription ${row.subscriptionId} instead`, { quoteStatus: 'accepted' });
  if (row.status === 'canceled') return quoteView(row, now, null);
  const [canceled] = await deps.prisma.quote.updateManyAndReturn({ where: { id, status: { in: ['draft', 'sent'] } }, data: { status: 'canceled', canceledAt: now } });
  if (!canceled) return cancelQuote(deps, id);
  return quoteView(canceled, now, null);
}
