// Setting a customer's billing profile: stored with a new version, then sent to each of the
// customer's live subscriptions, whose next finalized invoices use it. Issued invoices keep the
// profile frozen into their documents.
import { WorkflowNotFoundError } from '@temporalio/client';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { BillingProfile } from '../../domain/tax/types';
import type { Prisma } from '../../prisma/generated/client';
import { billingProfileChanged } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import type { BillingProfileInput } from '../schemas/billing-profile';
import { billingProfileOf } from './views';

/** Null fields are dropped: the stored profile says only what is so. */
function stored(input: BillingProfileInput): Omit<BillingProfile, 'version'> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as Omit<BillingProfile, 'version'>;
}

/** Writes the profile on an existing customer (inside the caller's transaction or not), bumping its version. */
export async function writeBillingProfile(db: Prisma.TransactionClient, customerId: string, input: BillingProfileInput): Promise<BillingProfile> {
  const row = await db.customer.update({
    where: { id: customerId },
    data: { billingProfile: stored(input) as unknown as Prisma.InputJsonValue, billingProfileVersion: { increment: 1 } },
  });
  return billingProfileOf(row)!;
}

/**
 * Sends the profile to every subscription of the customer that still runs. A workflow that ended
 * meanwhile is skipped; any other failure surfaces (the profile is saved: repeating the request
 * sends it again under a newer version, which every subscription takes).
 */
export async function sendBillingProfile(deps: ApiDeps, customerId: string, profile: BillingProfile): Promise<number> {
  const subscriptions = await deps.prisma.subscription.findMany({
    where: { customerId, status: { notIn: ['canceled', 'incomplete_expired'] } },
    select: { id: true },
  });
  let sent = 0;
  for (const { id } of subscriptions) {
    try {
      await deps.temporal.workflow.getHandle(subscriptionWorkflowId(id)).signal(billingProfileChanged, profile);
      sent += 1;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return sent;
}

export async function setBillingProfile(deps: ApiDeps, customerId: string, input: BillingProfileInput) {
  const exists = await deps.prisma.customer.findUnique({ where: { id: customerId }, select: { id: true } });
  if (!exists) throw notFound(`customer ${customerId} does not exist`);
  const profile = await writeBillingProfile(deps.prisma, customerId, input);
  const subscriptionsUpdated = await sendBillingProfile(deps, customerId, profile);
  return { customerId, billingProfile: profile, subscriptionsUpdated };
}
