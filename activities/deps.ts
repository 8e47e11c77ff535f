import type { Mailer } from '../emails/mailer';
import type { PaymentGateway } from '../gateway/payment-gateway';
import type { LinkSigning } from '../infra/links';
import type { WebhookTargetPolicy } from '../infra/webhook-target';
import type { PrismaClient } from '../prisma/generated/client';
import type { SellerProfile } from '../domain/tax/types';
import type { WorkflowStarter } from './webhook-outbox';

/** What activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  prisma: PrismaClient;
  gateway: PaymentGateway;
  mailer: Mailer;
  /** The From: of customer emails, e.g. `Billing <billing@example.com>`. */
  mailFrom: string;
  /** Who hears about chargebacks (OPS_EMAIL); the From: address when omitted. */
  opsEmail?: string;
  /** For signed links in emails (accept an offer). */
  links: LinkSigning;
  /** Starts delivery workflows (client and task queue): webhooks after an event is recorded, emails when queued. */
  temporal: WorkflowStarter;
  /** Who issues the invoices (SELLER_* configuration); the development demo seller when omitted. */
  seller?: SellerProfile;
  /** Where webhooks may go; production's rules (https, public addresses only) when omitted. */
  webhookTargets?: WebhookTargetPolicy;
}
