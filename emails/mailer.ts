// Delivers rendered emails: over SMTP when SMTP_URL is set (Mailpit, a relay, a provider), or
// as .eml files in an outbox directory for local runs.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per email, so a receiver can recognise a resend. */
  messageId: string;
  headers: Record<string, string>;
  /** The invoice PDF of a receipt. */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  /** Where mail goes, for logs. */
  readonly destination: string;
  send(email: OutgoingEmail): Promise<void>;
}

export interface SmtpTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

/**
 * Milliseconds. Each is shorter than the email activity's start-to-close timeout (one minute,
 * EMAIL_ATTEMPT_TIMEOUT in workflows/email-delivery.ts): a stuck SMTP attempt fails on its own
 * instead of being abandoned by Temporal while its socket lives on (nodemailer's defaults: 2 and
 * 10 minutes) and perhaps delivers after the retry already has. A query string on SMTP_URL
 * (`?socketTimeout=…`) still wins.
 */
export const SMTP_TIMEOUTS_MS: SmtpTimeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 40_000 };

export interface SmtpMailer extends Mailer {
  /** Closes the pool's open connections (a pooled mailer keeps them open between emails). */
  close(): void;
}

/**
 * `pool` keeps connections open between emails instead of one connection per email: the
 * simulator's, whose SMTP server (simulator/smtp-catcher.ts) greets each new connection after
 * 100 ms, a wait the test server's clock stands still for.
 */
export function smtpMailer(smtpUrl: string, timeouts: SmtpTimeouts = SMTP_TIMEOUTS_MS, { pool = false }: { pool?: boolean } = {}): SmtpMailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, ...timeouts, ...(pool ? { pool: true } : {}) });
  return {
    destination: smtpUrl.replace(/\/\/[^@/]*@/, '//***@'),
    async send(email) {
      await transport.sendMail(email);
    },
    close: () => transport.close(),
  };
}

export function outboxMailer(directory: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    destination: directory,
    async send(email) {
      const info = await transport.sendMail(email);
      await mkdir(directory, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${email.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}.eml`;
      await writeFile(path.join(directory, name), info.message as Buffer);
    },
  };
}

export function createMailer(options: { smtpUrl?: string | undefined; outboxDir: string }): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl) : outboxMailer(options.outboxDir);
}
