// What a workflow step writes when it ends, in one local activity instead of one per write: the
// emails it queued, then the projection of the state it left; and a new subscription's first
// invoice, with its opening projection. Each part is idempotent on its own (an email's key, the
// state's version, the invoice's reference), so a retry of the whole writes each once.
import type { EmailIntent } from '../domain/effects';
import type { InvoiceSummary, SubscriptionState } from '../domain/subscription';
import type { createEmailActivities } from './emails';
import type { createInvoiceActivities, IssueInvoiceInput } from './invoices';
import type { createProjectionActivities } from './projection';

export interface StepWrites {
  /** Emails in the order the step queued them, each with the business time it dates them by. */
  emails: Array<{ intent: EmailIntent; at: string }>;
  /** The state to project, when the step changed it; null when only emails are left to write. */
  state: SubscriptionState | null;
  /** When the step happened (dates a status change in the projection). */
  at: string;
}

/** An invoice to issue, after the subscription's opening projection when the workflow held it for this. */
export interface IssueInvoiceWithOpening extends IssueInvoiceInput {
  opening?: { state: SubscriptionState; at: string };
}

export function createStepWriteActivities(
  projection: ReturnType<typeof createProjectionActivities>,
  emails: ReturnType<typeof createEmailActivities>,
  invoices: ReturnType<typeof createInvoiceActivities>,
) {
  return {
    async recordStep(writes: StepWrites): Promise<void> {
      for (const email of writes.emails) await emails.queueEmail(email.intent, email.at);
      if (writes.state) await projection.syncSubscription(writes.state, writes.at);
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
