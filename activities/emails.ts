// Sending a lifecycle email: recorded in EmailMessage under its event key before it goes out,
// marked sent after. A retried activity finds the sent row and does nothing. Between the SMTP
// server's acceptance and that mark, the hand-over is also recorded with Temporal (heartbeat
// details, which a retry of the activity receives): if the mark fails (the database is down), the
// retry marks it without sending the email again.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { EmailIntent } from '../domain/effects';
import { renderEmail } from '../emails/templates';
import { offerAcceptLink } from '../infra/links';
import type { ActivityDeps } from './deps';

/** Heartbeat details of an attempt that handed the email to the SMTP server. */
interface HandedOver {
  handedOver: string;
}

function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@subscription-engine>`;
}

export function createEmailActivities({ prisma, mailer, mailFrom, links }: Pick<ActivityDeps, 'prisma' | 'mailer' | 'mailFrom' | 'links'>) {
  return {
    async sendEmail(intent: EmailIntent, at: string): Promise<{ messageId: string; alreadySent: boolean }> {
      const messageId = messageIdFor(intent.key);
      const existing = await prisma.emailMessage.findUnique({ where: { idempotencyKey: intent.key } });
      if (existing?.sentAt) return { messageId, alreadySent: true };
      const context = Context.current();
      if ((context.info.heartbeatDetails as HandedOver | undefined)?.handedOver === messageId) {
        await prisma.emailMessage.update({ where: { idempotencyKey: intent.key }, data: { sentAt: new Date(at) } });
        return { messageId, alreadySent: true };
      }

      const lines =
        intent.content.template === 'receipt'
          ? await prisma.invoiceLine.findMany({
              where: { invoice: { number: intent.content.invoiceNumber } },
              orderBy: { position: 'asc' },
              select: { description: true, amountCents: true },
            })
          : [];
      const { content } = intent;
      const rendered = renderEmail(intent, lines, {
        ...(content.template === 'offer' ? { offer: offerAcceptLink(links, intent.subscriptionId, content.offerId, content.expiresAt) } : {}),
      });
      await prisma.emailMessage.upsert({
        where: { idempotencyKey: intent.key },
        create: {
          idempotencyKey: intent.key,
          subscriptionId: intent.subscriptionId,
          template: intent.content.template,
          to: intent.to,
          subject: rendered.subject,
          messageId,
          createdAt: new Date(at),
        },
        update: {},
      });
      await mailer.send({
        from: mailFrom,
        to: intent.to,
        ...rendered,
        messageId,
        headers: { 'X-Subscription-Id': intent.subscriptionId, 'X-Email-Template': intent.content.template },
      });
      context.heartbeat({ handedOver: messageId } satisfies HandedOver);
      await prisma.emailMessage.update({ where: { idempotencyKey: intent.key }, data: { sentAt: new Date(at) } });
      return { messageId, alreadySent: false };
    },
  };
}
