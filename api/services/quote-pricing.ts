// A quote's price, as the subscription it becomes will be priced: the items checked and priced by
// createSubscription's own rules (package-items.ts), then its first invoice and renewal price
// computed by the workflow's functions (domain/quote.ts), for the customer's billing profile.
import { priceQuote, type QuotePricing } from '../../domain/quote';
import { RULES_VERSION } from '../../domain/rules';
import { toPlanSnapshot } from '../../infra/plans';
import type { Customer, Quote } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { invalid, ProblemError } from '../problem';
import type { AddOnItem, CustomLine } from '../schemas/items';
import { priceItems } from './package-items';
import { billingProfileOf } from './views';

export interface QuoteItems {
  addOns: AddOnItem[];
  customLines: CustomLine[];
}

/** The subscription a quote becomes: one id per quote, so accepting twice makes one subscription. */
export const quoteSubscriptionId = (quoteId: string) => `sub_${quoteId}`;

/** The items a quote stores (its `items` column). */
export const itemsOf = (row: Pick<Quote, 'items'>) => row.items as unknown as QuoteItems;

/** The quote's plan, still on sale (a quote offers nothing new subscriptions cannot have). */
async function planFor({ prisma }: ApiDeps, code: string) {
  const row = await prisma.plan.findUnique({ where: { code } });
  if (!row) throw invalid([{ field: 'plan', message: `unknown plan "${code}"` }]);
  if (!row.active) throw invalid([{ field: 'plan', message: `plan ${code} is archived: it is no longer offered to new subscriptions` }]);
  return toPlanSnapshot(row);
}

/**
 * What the quote costs if accepted at `now`, priced as createSubscription prices it (the same
 * catalogue checks, the same items) and billed as the workflow bills it (domain/quote.ts). Throws
 * the problem naming the field that cannot be sold.
 */
export async function priceOf(deps: ApiDeps, row: Pick<Quote, 'id' | 'planCode' | 'items' | 'coupon' | 'paymentMethod' | 'customerEmail' | 'customerName'>, customer: Customer | null, now: Date) {
  const plan = await planFor(deps, row.planCode);
  const { addOns, customLines } = itemsOf(row);
  const items = await priceItems(deps, { addOns, customLines, ...(row.coupon ? { coupon: row.coupon } : {}) }, plan, now);
  const pricing = priceQuote(
    {
      subscriptionId: quoteSubscriptionId(row.id),
      customer: { id: customer?.id ?? 'new', email: row.customerEmail, name: row.customerName, billing: customer ? billingProfileOf(customer) : null },
      plan,
      paymentMethod: row.paymentMethod ?? '',
      policy: deps.policy,
      rules: RULES_VERSION,
      ...(items ? { items } : {}),
    },
    now,
  );
  return { plan, pricing };
}

/** The pricing a read shows: null once accepted, or when an item can no longer be sold. */
export async function pricingForRead(deps: ApiDeps, row: Quote, now: Date): Promise<QuotePricing | null> {
  if (row.status === 'accepted' || row.status === 'canceled') return null;
  try {
    return (await priceOf(deps, row, await customerOf(deps, row), now)).pricing;
  } catch (error) {
    if (error instanceof ProblemError && error.status === 400) return null;
    throw error;
  }
}

export const customerOf = ({ prisma }: ApiDeps, row: Pick<Quote, 'customerId' | 'customerEmail'>) =>
  row.customerId ? prisma.customer.findUnique({ where: { id: row.customerId } }) : prisma.customer.findUnique({ where: { email: row.customerEmail } });
