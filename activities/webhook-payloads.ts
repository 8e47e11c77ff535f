// Maps workflow state and database rows to the webhook payload shapes of domain/webhooks.ts.
import type { OpenOffer } from '../domain/offers';
import type { SubscriptionState } from '../domain/subscription';
import type { InvoicePayload, OfferPayload, SubscriptionFacts, SubscriptionPayload } from '../domain/webhooks';
import type { Invoice, InvoiceLine, Subscription } from '../prisma/generated/client';
import { isoOrNull, invoiceLineJson } from '../infra/row-json';

/** The columns of the Subscription row that webhooks compare. */
export const SUBSCRIPTION_FACT_COLUMNS = {
  status: true,
  planCode: true,
  paymentMethod: true,
  currentPeriodStart: true,
  currentPeriodEnd: true,
  trialEnd: true,
  cancelAtPeriodEnd: true,
  canceledAt: true,
  endedAt: true,
} as const;

type FactColumns = Pick<Subscription, keyof typeof SUBSCRIPTION_FACT_COLUMNS>;

export function subscriptionRowFacts(row: FactColumns): SubscriptionFacts {
  return {
    status: row.status,
    plan: row.planCode,
    paymentMethod: row.paymentMethod,
    currentPeriod:
      row.currentPeriodStart && row.currentPeriodEnd ? { start: row.currentPeriodStart.toISOString(), end: row.currentPeriodEnd.toISOString() } : null,
    trialEnd: isoOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    canceledAt: isoOrNull(row.canceledAt),
    endedAt: isoOrNull(row.endedAt),
  };
}

export function subscriptionPayload(state: SubscriptionState): SubscriptionPayload {
  return {
    id: state.id,
    customerId: state.customer.id,
    status: state.status,
    plan: state.plan.code,
    price: { amountCents: state.plan.amountCents, currency: state.plan.currency, interval: { ...state.plan.interval } },
    paymentMethod: state.paymentMethod,
    currentPeriod: { start: state.currentPeriod.start, end: state.currentPeriod.end },
    trialEnd: state.trialEnd,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    canceledAt: state.canceledAt,
    endedAt: state.endedAt,
  };
}

export function invoiceRowPayload(invoice: Invoice & { lines: InvoiceLine[] }): InvoicePayload {
  return {
    number: invoice.number,
    reference: invoice.reference,
    subscriptionId: invoice.subscriptionId,
    customerId: invoice.customerId,
    status: invoice.status,
    billingReason: invoice.billingReason,
    periodStart: invoice.periodStart.toISOString(),
    periodEnd: invoice.periodEnd.toISOString(),
    currency: invoice.currency,
    subtotalCents: invoice.subtotalCents,
    netCents: invoice.netCents,
    taxCents: invoice.taxCents,
    amountCents: invoice.amountCents,
    paidAt: isoOrNull(invoice.paidAt),
    lines: [...invoice.lines]
      .sort((a, b) => a.position - b.position)
      .map(invoiceLineJson),
  };
}

export function offerPayload(
  offer: OpenOffer,
  record: { subscriptionId: string; currency: string; status: string; at: string },
): OfferPayload {
  return {
    id: offer.id,
    subscriptionId: record.subscriptionId,
    ruleId: offer.ruleId,
    fromPlan: offer.fromPlan,
    toPlan: offer.plan.code,
    percentOff: offer.percentOff,
    discountPeriods: offer.discountPeriods,
    currency: record.currency,
    mrrDeltaCents: offer.mrrDeltaCents,
    status: record.status,
    createdAt: offer.createdAt,
    expiresAt: offer.expiresAt,
    respondedAt: record.status === 'open' ? null : record.at,
  };
}
