import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createEmailActivities } from '../../activities/emails';
import type { EmailIntent } from '../../domain/effects';
import { smtpMailer } from '../../emails/mailer';
import type { PrismaClient } from '../../infra/database';
import { Prisma } from '../../prisma/generated/client';
import { startSmtpCatcher, type SmtpCatcher } from '../../simulator/smtp-catcher';
import { TEST_LINKS } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let smtp: SmtpCatcher;
beforeAll(async () => {
  [db, smtp] = await Promise.all([createTestDatabase(), startSmtpCatcher()]);
});
afterAll(async () => {
  await Promise.all([db?.drop(), smtp?.close()]);
});

const intent = (key: string): EmailIntent => ({
  key,
  to: 'ada@example.com',
  customerName: 'Ada',
  subscriptionId: 'sub_mail',
  content: { template: 'resumed', nextBillingAt: '2027-02-01T00:00:00.000Z' },
});

/** The database refuses the write that marks an email sent, as when it goes down right after the SMTP hand-over. */
function failingSentMark(prisma: PrismaClient): PrismaClient {
  const outage = new Prisma.PrismaClientKnownRequestError("Can't reach database server", { code: 'P1001', clientVersion: 'test' });
  const emailMessage = new Proxy(prisma.emailMessage, {
    get: (target, property, receiver) => (property === 'update' ? () => Promise.reject(outage) : Reflect.get(target, property, receiver)),
  });
  return new Proxy(prisma, { get: (target, property, receiver) => (property === 'emailMessage' ? emailMessage : Reflect.get(target, property, receiver)) });
}

// Failed attempts are the point of these tests: no warning lines for them.
const quiet = { logger: new DefaultLogger('ERROR') };
type Sent = Awaited<ReturnType<ReturnType<typeof createEmailActivities>['sendEmail']>>;
const attempt = (number: number, heartbeatDetails?: unknown) => new MockActivityEnvironment({ attempt: number, heartbeatDetails }, quiet);

function activities(prisma: PrismaClient) {
  return createEmailActivities({ prisma, mailer: smtpMailer(smtp.url), mailFrom: 'Billing <billing@example.test>', links: TEST_LINKS });
}

test('an email handed to SMTP whose sent mark failed is not sent again by the retry, which only marks it', async () => {
  const first = attempt(1);
  const heartbeats: unknown[] = [];
  first.on('heartbeat', (details: unknown) => heartbeats.push(details));
  await expect(first.run(activities(failingSentMark(db.prisma)).sendEmail, intent('sub_mail/resumed/1'), '2027-01-01T00:00:00.000Z')).rejects.toMatchObject({ code: 'P1001' });
  expect(smtp.for('sub_mail')).toHaveLength(1);

  // Temporal hands the last heartbeat's details to the next attempt.
  const retry = attempt(2, heartbeats.at(-1));
  const result: Sent = await retry.run(activities(db.prisma).sendEmail, intent('sub_mail/resumed/1'), '2027-01-01T00:00:00.000Z');

  expect(result.alreadySent).toBe(true);
  expect(smtp.for('sub_mail')).toHaveLength(1);
  const row = await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: 'sub_mail/resumed/1' } });
  expect(row.sentAt).not.toBeNull();
  expect(row.messageId).toBe(smtp.for('sub_mail')[0]!.messageId);
});

test('a retry after a failure before the hand-over (SMTP down) sends the email, once', async () => {
  const working = activities(db.prisma);
  const mailerDown = createEmailActivities({
    prisma: db.prisma,
    mailer: { destination: 'nowhere', send: () => Promise.reject(new Error('connect ECONNREFUSED')) },
    mailFrom: 'Billing <billing@example.test>',
    links: TEST_LINKS,
  });
  await expect(attempt(1).run(mailerDown.sendEmail, intent('sub_mail/resumed/2'), '2027-01-02T00:00:00.000Z')).rejects.toThrow('ECONNREFUSED');
  const sent: Sent = await attempt(2).run(working.sendEmail, intent('sub_mail/resumed/2'), '2027-01-02T00:00:00.000Z');
  const again: Sent = await attempt(3).run(working.sendEmail, intent('sub_mail/resumed/2'), '2027-01-02T00:00:00.000Z');

  expect([sent.alreadySent, again.alreadySent]).toEqual([false, true]);
  expect(smtp.received.filter((mail) => mail.messageId === sent.messageId)).toHaveLength(1);
});
