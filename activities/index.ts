// All activities, built from their dependencies. Workflows import this file as a type only.
import type { ActivityDeps } from './deps';
import { createChargeActivities } from './charges';
import { createCreditActivities } from './credit-ledger';
import { createCreditPayoutActivities } from './credit-payouts';
import { createDeliveryActivities } from './deliveries';
import { createEmailActivities } from './emails';
import { createInvoiceActivities } from './invoices';
import { createMeteredUsageActivities } from './metered-usage';
import { createOfferActivities } from './offers';
import { createPlanMigrationActivities } from './plan-migrations';
import { createPaymentEventActivities } from './payment-events';
import { createProjectionActivities } from './projection';
import { createStepWriteActivities } from './step-writes';
import { createWebhookActivities } from './webhooks';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const projection = createProjectionActivities(deps);
  const emails = createEmailActivities(deps);
  const invoices = createInvoiceActivities(deps);
  const offers = createOfferActivities(deps);
  return {
    ...invoices,
    ...createChargeActivities(deps),
    ...createCreditActivities(deps),
    ...createCreditPayoutActivities(deps),
    ...projection,
    ...emails,
    // After the invoices: its issueInvoice (the same, with an opening projection when one comes along) is the one registered.
    ...createStepWriteActivities(projection, emails, invoices, offers),
    ...offers,
    ...createPlanMigrationActivities(deps),
    ...createPaymentEventActivities(deps),
    ...createMeteredUsageActivities(deps),
    ...createDeliveryActivities(deps),
    // The local activity of webhook delivery workflows, which run on this queue (their attempts do not).
    markWebhookFailed: createWebhookActivities(deps).markWebhookFailed,
  };
}

export type Activities = ReturnType<typeof createActivities>;
