// Carries out what a lifecycle step asked for: emails, invoice status changes, refunds.
//
// Emails are activities started in the background: a mail outage delays them (they retry for as
// long as it lasts) but never holds up billing. The workflow only waits for them before it
// continues-as-new or completes. Each email is recorded under its event key, so none is sent twice.
import { log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { Effect, EmailIntent } from '../domain/effects';
import { activities, local } from './activities';

/** How long one attempt to send an email may take; the SMTP timeouts (emails/mailer.ts) stay below it. */
export const EMAIL_ATTEMPT_TIMEOUT = '1m';

const mail = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: EMAIL_ATTEMPT_TIMEOUT,
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m' },
});

export class EffectRunner {
  private emailsInFlight = 0;

  /** No email is still being sent. */
  get idle(): boolean {
    return this.emailsInFlight === 0;
  }

  async carryOut(effects: readonly Effect[]): Promise<void> {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'email':
          this.send(effect.email);
          break;
        case 'invoice_status':
          await local.setInvoiceStatus.executeWithOptions(
            { summary: `mark invoice ${effect.invoiceNumber} ${effect.status}` },
            [{ invoiceNumber: effect.invoiceNumber, status: effect.status, at: effect.at }],
          );
          break;
        case 'offer': {
          const { kind: _kind, ...record } = effect;
          await local.recordOffer.executeWithOptions({ summary: `record offer ${effect.offer.id} ${effect.status}` }, [record]);
          break;
        }
        case 'refund':
          await activities.refundInvoice.executeWithOptions(
            { summary: `refund ${effect.amountCents} on invoice ${effect.invoiceNumber}` },
            [{ invoiceNumber: effect.invoiceNumber, amountCents: effect.amountCents, idempotencyKey: effect.idempotencyKey, at: effect.at }],
          );
          break;
      }
    }
  }

  private send(intent: EmailIntent): void {
    this.emailsInFlight += 1;
    // Workflow time: the email is dated when its lifecycle event happened, also in simulations.
    mail.sendEmail
      .executeWithOptions({ summary: `email ${intent.content.template} to ${intent.to}` }, [intent, new Date().toISOString()])
      .catch((error: unknown) => log.warn('email not sent', { key: intent.key, error: String(error) }))
      .finally(() => {
        this.emailsInFlight -= 1;
      })
      .catch(() => undefined);
  }
}
