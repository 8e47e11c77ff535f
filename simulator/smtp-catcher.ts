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

/** A recipient the server refused at RCPT TO. */
export interface RejectedRecipient {
  to: string;
  /** The SMTP reply, e.g. "550 5.1.1 mailbox unavailable". */
  reply: string;
}

export interface SmtpCatcher {
  url: string;
  received: ReceivedEmail[];
  /** Every RCPT TO the server refused (see rejectRecipient), in order. */
  rejected: RejectedRecipient[];
  /** Emails to one subscription, in arrival order. */
  for(subscriptionId: string): ReceivedEmail[];
  /**
   * From now on answers RCPT TO for `address` with `code` and `message`: a 5xx is a permanent
   * rejection (no such mailbox), a 4xx a temporary one (mailbox busy, greylisting).
   */
  rejectRecipient(address: string, code?: number, message?: string): void;
  /** Stops listening: connections are refused (an SMTP outage) until `up`. */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  return typeof value === 'string' ? value : '';
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const received: ReceivedEmail[] = [];
  const rejected: RejectedRecipient[] = [];
  const rejections = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const rejection = rejections.get(address.address.toLowerCase());
      if (!rejection) return callback();
      rejected.push({ to: address.address, reply: `${rejection.code} ${rejection.message}` });
      callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
    },
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
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const { port } = server.server.address() as AddressInfo;
  let listening = true;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejected,
    for: (subscriptionId) => received.filter((mail) => mail.subscriptionId === subscriptionId),
    rejectRecipient(address, code = 550, message = '5.1.1 mailbox unavailable') {
      rejections.set(address.toLowerCase(), { code, message });
    },
    async down() {
      if (!listening) return;
      listening = false;
      // The listening socket closes at once (new connections are refused); open sessions may finish.
      server.server.close();
    },
    async up() {
      if (listening) return;
      listening = true;
      await listen(port);
    },
    close: () =>
      new Promise<void>((resolve) => {
        listening = false;
        server.close(() => resolve());
      }),
  };
}
