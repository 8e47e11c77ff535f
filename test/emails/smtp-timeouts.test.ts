import net from 'node:net';
import { msToNumber } from '@temporalio/common/lib/time';
import { SMTP_TIMEOUTS_MS, smtpMailer } from '../../emails/mailer';
import { EMAIL_ATTEMPT_TIMEOUT } from '../../workflows/email-delivery';

const email = {
  from: 'billing@example.com',
  to: 'ada@example.com',
  subject: 'Receipt',
  text: 'Paid.',
  html: '<p>Paid.</p>',
  messageId: '<timeout-test@example.com>',
  headers: {},
};

test('every SMTP timeout is shorter than one email attempt, so a stuck send ends before Temporal abandons it', () => {
  for (const [name, ms] of Object.entries(SMTP_TIMEOUTS_MS)) {
    expect([name, ms < msToNumber(EMAIL_ATTEMPT_TIMEOUT)]).toEqual([name, true]);
  }
});

test('a server that accepts the connection but never greets fails the send at the greeting timeout', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, { connectionTimeout: 100, greetingTimeout: 100, socketTimeout: 100 });
    const started = performance.now();
    await expect(mailer.send(email)).rejects.toThrow(/greeting|timeout/i);
    // Nodemailer's own defaults would have waited 30 s for the greeting.
    expect(performance.now() - started).toBeLessThan(5_000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});
