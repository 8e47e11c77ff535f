// A real SMTP server in this process: emails travel over the wire through nodemailer and
// arrive here, parsed.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  template: string;
  subscriptionId: string;
}

export interface SmtpCatcher {
  url: string;
  received: ReceivedEmail[];
  /** Emails to one subscription, in arrival order. */
  for(subscriptionId: string): ReceivedEmail[];
  close(): Promise<void>;
}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  return typeof value === 'string' ? value : '';
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
          received.push({
            to: to ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            template: header(mail, 'x-email-template'),
            subscriptionId: header(mail, 'x-subscription-id'),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    for: (subscriptionId) => received.filter((mail) => mail.subscriptionId === subscriptionId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
