// The JSON shapes of database rows in API answers: dates as ISO-8601, money as minor units.
import type { Customer, Invoice, Subscription } from '../../prisma/generated/client';
import { isoOrNull } from '../../infra/row-json';

/** A subscription as the database projection has it (GET /subscriptions/:id asks the workflow). */
export function subscriptionSummary(row: Subscription) {
  return {
    id: row.id,
    customerId: row.customerId,
    planCode: row.planCode,
    status: row.status,
    paymentMethod: row.paymentMethod,
    periodIndex: row.periodIndex,
    currentPeriodStart: isoOrNull(row.currentPeriodStart),
    currentPeriodEnd: isoOrNull(row.currentPeriodEnd),
    trialEnd: isoOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    grandfathered: row.grandfathered,
    canceledAt: isoOrNull(row.canceledAt),
    endedAt: isoOrNull(row.endedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function customerView(row: Customer) {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.createdAt.toISOString() };
}

export function invoiceSummary(row: Invoice) {
  return {
    id: row.id,
    number: row.number,
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    periodIndex: row.periodIndex,
    billingReason: row.billingReason,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    currency: row.currency,
    subtotalCents: row.subtotalCents,
    amountCents: row.amountCents,
    status: row.status,
    paidAt: isoOrNull(row.paidAt),
    createdAt: row.createdAt.toISOString(),
  };
}
