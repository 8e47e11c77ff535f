// What a workflow step writes when it ends, in one local activity instead of one per write: the
// offers it recorded, the emails it queued, then the projection of the state it left, and the
// upsell rules' answer when the step asked for one; and a new subscription's first invoice, with
// its opening projection. Each part is idempotent on its own (an offer's id, an email's key, the
// state's version, the invoice's reference), so a retry of the whole writes each once.
import type { EmailIntent, OfferRecord } from '../domain/effects';
import type { OfferDecision } from '../domain/offers';
import type { InvoiceSummary, SubscriptionState } from '../domain/subscription';
import type { createEmailActivities } from './emails';
import type { createInvoiceActivities, IssueInvoiceInput } from './invoices';
import type { createOfferActivities } from './offers';
import type { createProjectionActivities } from './projection';

export interface StepWrites {
  /** Emails in the order the step queued them, each with the business time it dates them by. */
  emails: Array<{ intent: EmailIntent; at: string }>;
  /** The state to project, when the step changed it; null when only emails are left to write. */
  state: SubscriptionState | null;
  /** When the step happened (dates a status change in the projection). */
  at: string;
  /** Offers the step made or closed, written first (absent in histories from before offers were batched). */
  offers?: OfferRecord[];
  /** The state to evaluate the upsell rules for once the rest is written; the answer is the result. */
  offersFor?: SubscriptionState;
}

/** An invoice to issue, after the subscription's opening projection when the workflow held it for this. */
export interface IssueInvoiceWithOpening extends IssueInvoiceInput {
  opening?: { state: SubscriptionState; at: string };
}

export function createStepWriteActivities(
  projection: ReturnType<typeof createProjectionActivities>,
  emails: ReturnType<typeof createEmailActivities>,
  invoices: ReturnType<typeof createInvoiceActivities>,
  offers: ReturnType<typeof createOfferActivities>,
) {
  return {
    /** Null unless `offersFor` asked the upsell rules (older histories recorded no answer at all). */
    async recordStep(writes: StepWrites): Promise<OfferDecision | null> {
      for (const record of writes.offers ?? []) await offers.recordOffer(record);
      for (const email of writes.emails) await emails.queueEmail(email.intent, email.at);
      if (writes.state) await projection.syncSubscription(writes.state, writes.at);
      return writes.offersFor ? offers.evaluateOffers(writes.offersFor) : null;
    },

    /**
     * issueInvoice, with the opening projection first when it comes along: the subscription's row
     * and its first status are written before the invoice that refers to them, as when they were
     * two local activities.
     */
    async issueInvoice({ opening, ...input }: IssueInvoiceWithOpening): Promise<InvoiceSummary> {
      if (opening) await projection.syncSubscription(opening.state, opening.at);
      return invoices.issueInvoice(input);
    },
  };
}
