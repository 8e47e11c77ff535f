// Customer emails, through an outbox. A lifecycle step queues its email (queueEmail, a local
// activity of the subscription workflow): the EmailMessage row is written under the event's key,
// pending, with the intent to send, and one delivery workflow is started for it
// (workflows/email-delivery.ts). That workflow sends it (sendEmail) with bounded retries and marks
// the row sent or failed. So a mail outage or a rejected address never holds up billing, nor a
// subscription's continue-as-new. A retried queueEmail finds its row and only (re)starts the
// delivery while the row is still pending.
//
// SMTP has no idempotent submit: between the server's acceptance of an email and its sent mark,
// the hand-over is also recorded with Temporal (heartbeat details, which a retry of the activity
// receives). If the mark fails (the database is down), the retry marks it without sending again.
import type { InvoiceDocument } from '../domain/tax/types';
import { invoiceFile } from '../infra/document-store';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { billingProfileOf } from '../api/services/views';
import type { EmailIntent } from '../domain/effects';
import type { Language } from '../domain/locale-format';
import { renderEmail, type EmailLinks, type RenderedEmail } from '../emails/templates';
import { offerPageLink, paymentMethodPath, portalLink, portalSignInLink, quotePageLink, type LinkSigning } from '../infra/links';
import type { ActivityDeps } from './deps';
import { messageIdFor, queueOutboxEmail } from './email-outbox';
import type { Customer } from '../prisma/generated/client';

export { emailDeliveryWorkflowId } from './email-outbox';

/** Heartbeat details of an attempt that handed the email to the SMTP server. */
interface HandedOver {
  handedOver: string;
}

export interface SendOutcome {
  messageId: string;
  /** sent: by this attempt; already_sent: by an earlier one. */
  outcome: 'sent' | 'already_sent';
}

/** What nodemailer's errors carry: the SMTP server's reply code, and nodemailer's own kind of error. */
interface SmtpError {
  responseCode?: unknown;
  code?: unknown;
}

/**
 * A 5xx reply is a permanent rejection of this email (no such mailbox, message refused): final,
 * never retried. Everything else (connection refused or reset, timeouts, 4xx replies such as a
 * full mailbox or greylisting) is transient and retried. A 5xx to our login (EAUTH, e.g. 535) is
 * this engine's configuration, not the email: retried like an outage until it is fixed.
 *
 * Both are benign (logged at debug level, not as a warning per attempt: an outage would log
 * hundreds per email); the row keeps each attempt's error, and the worker's activity metrics
 * count the failed attempts.
 */
export function smtpFailure(error: unknown): ApplicationFailure {
  const { responseCode, code } = (error ?? {}) as SmtpError;
  // Not `instanceof Error`: errors of Node's own sockets may come from another realm (Jest's sandbox).
  const { message: text } = (error ?? {}) as { message?: unknown };
  const message = typeof text === 'string' ? text : String(error);
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH';
  return ApplicationFailure.create({
    message,
    type: permanent ? 'EmailRejected' : 'EmailNotDelivered',
    nonRetryable: permanent,
    category: ApplicationFailureCategory.BENIGN,
  });
}

/**
 * The links an email carries; each opens a portal page. Emails about a payment that needs a new
 * payment method lead to that subscription's payment-method form, through sign-in; one without a
 * subscription to the portal's overview.
 */
function emailLinks(links: LinkSigning, { content, subscriptionId }: EmailIntent): EmailLinks {
  switch (content.template) {
    case 'offer':
      return subscriptionId ? { offer: offerPageLink(links, subscriptionId, content.offerId, content.expiresAt) } : {};
    case 'portal_sign_in':
      return { signIn: portalSignInLink(links, content.tokenId, content.next) };
    case 'quote':
      return { quote: quotePageLink(links, content.quoteId) };
    case 'payment_failed':
    case 'final_notice':
    case 'payment_method_update':
      return { paymentMethod: subscriptionId ? portalLink(links, paymentMethodPath(subscriptionId)) : portalLink(links) };
    default:
      return {};
  }
}

export function createEmailActivities({ prisma, mailer, mailFrom, links, temporal }: Pick<ActivityDeps, 'prisma' | 'mailer' | 'mailFrom' | 'links' | 'temporal'>) {
  /** The invoice the email is about, with its lines, read once per rendering. */
  function invoiceFor({ content }: EmailIntent) {
    const reference = 'invoiceNumber' in content ? content.invoiceNumber : null;
    return reference ? prisma.invoice.findUnique({ where: { reference }, include: { lines: { orderBy: { position: 'asc' } } } }) : Promise.resolve(null);
  }

  type EmailInvoice = Awaited<ReturnType<typeof invoiceFor>>;

  /**
   * The language of the customer's billing profile, as the portal reads it, read when the email is
   * rendered (so the workflow never carries it); null when the profile names none, or when there
   * is no customer record yet.
   */
  async function customerLanguage({ subscriptionId, to }: EmailIntent): Promise<Language | null> {
    // Raw SQL: asked twice per renewal (the receipt's subject, then the receipt), where Prisma's
    // compiled join costs several times the query.
    const [subscriber] = subscriptionId
      ? await prisma.$queryRaw<Array<Pick<Customer, 'billingProfile' | 'billingProfileVersion'>>>`
          SELECT c."billingProfile", c."billingProfileVersion" FROM "Subscription" s JOIN "Customer" c ON c."id" = s."customerId" WHERE s."id" = ${subscriptionId}`
      : [];
    const customer = subscriber ?? (await prisma.customer.findUnique({ where: { email: to }, select: { billingProfile: true, billingProfileVersion: true } }));
    return (customer && billingProfileOf(customer)?.language) ?? null;
  }

  async function render(intent: EmailIntent, invoice: EmailInvoice): Promise<RenderedEmail> {
    const { content } = intent;
    const lines = content.template === 'receipt' ? (invoice?.lines ?? []).map(({ description, amountCents }) => ({ description, amountCents })) : [];
    const facts = invoice ? { number: invoice.number, netCents: invoice.netCents, taxCents: invoice.taxCents, vatSummary: (invoice.document as InvoiceDocument | null)?.vatSummary ?? [] } : null;
    return renderEmail(intent, { lines, links: emailLinks(links, intent), invoice: facts, language: await customerLanguage(intent) });
  }

  /** A receipt carries the invoice as PDF (rendered once, stored with the invoice). */
  async function attachmentsFor(intent: EmailIntent, invoice: EmailInvoice) {
    if (intent.content.template !== 'receipt' || !invoice?.document) return [];
    const file = await invoiceFile(prisma, invoice, 'pdf');
    return [{ filename: file.fileName, content: file.content, contentType: file.contentType }];
  }

  /** sentAt is the lifecycle event's time (the row's createdAt), as before the outbox. */
  async function markSent(key: string, sentAt: Date): Promise<void> {
    await prisma.emailMessage.update({ where: { idempotencyKey: key }, data: { status: 'sent', sentAt, lastError: null } });
  }

  /**
   * Records the email (pending, with its intent) unless an earlier attempt did, then starts its
   * delivery unless it already ended. Writes once and returns at once: it never waits for SMTP.
   * `at` is the lifecycle event's time (workflow time), the row's createdAt.
   */
  async function queueEmail(intent: EmailIntent, at: string): Promise<void> {
    await queueOutboxEmail({ prisma, temporal }, { intent, at: new Date(at), subject: async () => (await render(intent, await invoiceFor(intent))).subject });
  }

  return {
    queueEmail,

    /**
     * One attempt to send a queued email, by its key (the delivery workflow's activity). Throws
     * EmailRejected (final) or EmailNotDelivered (retried), see smtpFailure; UnknownEmail and
     * EmailAlreadyFailed when there is nothing to send.
     */
    async sendEmail(key: string): Promise<SendOutcome> {
      const messageId = messageIdFor(key);
      // Raw SQL for the row's reads and writes: every renewal sends a receipt, and Prisma's query
      // compiler costs more than the statements.
      const [row] = await prisma.$queryRaw<Array<{ status: string; intent: unknown; lastError: string | null; createdAt: Date }>>`
        SELECT "status"::text AS "status", "intent", "lastError", "createdAt" FROM "EmailMessage" WHERE "idempotencyKey" = ${key}`;
      if (row?.status === 'sent') return { messageId, outcome: 'already_sent' };
      const context = Context.current();
      if (row && (context.info.heartbeatDetails as HandedOver | undefined)?.handedOver === messageId) {
        await markSent(key, row.createdAt);
        return { messageId, outcome: 'already_sent' };
      }
      if (!row?.intent) throw ApplicationFailure.nonRetryable(`no email to send under ${key}`, 'UnknownEmail');
      if (row.status === 'failed') throw ApplicationFailure.nonRetryable(`email ${key} already failed: ${row.lastError}`, 'EmailAlreadyFailed');

      await prisma.$executeRaw`
        UPDATE "EmailMessage" SET "attempts" = ${context.info.attempt} WHERE "idempotencyKey" = ${key} AND "status" = 'pending'::"EmailStatus"`;
      const intent = row.intent as unknown as EmailIntent;
      const invoice = await invoiceFor(intent);
      const rendered = await render(intent, invoice);
      const attachments = await attachmentsFor(intent, invoice);
      try {
        await mailer.send({
          from: mailFrom,
          to: intent.to,
          ...rendered,
          ...(attachments.length > 0 ? { attachments } : {}),
          messageId,
          headers: { ...(intent.subscriptionId ? { 'X-Subscription-Id': intent.subscriptionId } : {}), 'X-Email-Template': intent.content.template },
        });
      } catch (error) {
        const failure = smtpFailure(error);
        // For the record only: with the database down too, the SMTP error is still what this attempt reports.
        await prisma.emailMessage
          .updateMany({ where: { idempotencyKey: key, status: 'pending' }, data: { lastError: failure.message } })
          .catch(() => undefined);
        throw failure;
      }
      context.heartbeat({ handedOver: messageId } satisfies HandedOver);
      await markSent(key, row.createdAt);
      return { messageId, outcome: 'sent' };
    },

    /** Delivery gave up (a permanent rejection, or retries ran out): the row keeps why. `at` is workflow time. */
    async markEmailFailed({ emailKey, error, at }: { emailKey: string; error: string; at: string }): Promise<void> {
      await prisma.emailMessage.updateMany({
        where: { idempotencyKey: emailKey, status: 'pending' },
        data: { status: 'failed', failedAt: new Date(at), lastError: error },
      });
    },
  };
}
