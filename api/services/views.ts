// The JSON shapes of database rows in API answers: dates as ISO-8601, money as minor units.
import type { Customer, Invoice, Subscription } from '../../prisma/generated/client';
import { isoOrNull } from '../../infra/row-json';
import type { BillingProfile, TaxTreatment } from '../../domain/tax/types';

/** A subscription as the database projection has it (GET /subscriptions/:id asks the workflow). */
/** From a row read without its stored view (SUMMARY_OMIT): a page of summaries need not carry a view each. */
export function subscriptionSummary(row: Omit<Subscription, 'view'>) {
  return {
    id: row.id,
    customerId: row.customerId,
    planCode: row.planCode,
    planPriceVersion: row.planPriceVersion,
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
  return { id: row.id, email: row.email, name: row.name, billingProfile: billingProfileOf(row), createdAt: row.createdAt.toISOString() };
}

/** The stored profile with its version, or null when none was given. */
export function billingProfileOf(row: Pick<Customer, 'billingProfile' | 'billingProfileVersion'>): BillingProfile | null {
  if (!row.billingProfile) return null;
  return { ...(row.billingProfile as unknown as Omit<BillingProfile, 'version'>), version: row.billingProfileVersion };
}

/** What a list shows of an invoice: its frozen document (the bulk of a row) stays in the database. */
export function invoiceSummary(row: Omit<Invoice, 'document'>) {
  return {
    id: row.id,
    number: row.number,
    reference: row.reference,
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    periodIndex: row.periodIndex,
    billingReason: row.billingReason,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    currency: row.currency,
    subtotalCents: row.subtotalCents,
    netCents: row.netCents,
    taxCents: row.taxCents,
    creditAppliedCents: row.creditAppliedCents,
    amountCents: row.amountCents,
    taxTreatment: row.taxTreatment as TaxTreatment | null,
    dueDate: row.dueDate ? row.dueDate.toISOString().slice(0, 10) : null,
    status: row.status,
    paidAt: isoOrNull(row.paidAt),
    createdAt: row.createdAt.toISOString(),
  };
}
