// One attempt of the email delivery (sendEmail) against a real SMTP server, on an email queued
// with queueEmail. The delivery workflow around it is tested in ./delivery.test.ts.
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createEmailActivities, emailDeliveryWorkflowId, type SendOutcome } from '../../activities/emails';
import type { EmailIntent } from '../../domain/effects';
import { smtpMailer, type Mailer } from '../../emails/mailer';
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

const intent = (key: string, to = 'ada@example.com'): EmailIntent => ({
  key,
  to,
  customerName: 'Ada',
  subscriptionId: 'sub_mail',
  content: { template: 'resumed', nextBillingAt: '2027-02-01T00:00:00.000Z' },
});

/** The database refuses the write that marks an email sent, as when it goes down right after the SMTP hand-over. */
function failingSentMark(prisma: PrismaClient): PrismaClient {
  const outage = new Prisma.PrismaClientKnownRequestError("Can't reach database server", { code: 'P1001', clientVersion: 'test' });
  const marksSent = (args: unknown) => (args as { data?: { status?: string } } | undefined)?.data?.status === 'sent';
  const emailMessage = new Proxy(prisma.emailMessage, {
    get: (target, property, receiver) => {
      const value = Reflect.get(target, property, receiver) as unknown;
      if ((property !== 'update' && property !== 'updateMany') || typeof value !== 'function') return value;
      return (args: unknown) => (marksSent(args) ? Promise.reject(outage) : (value as (a: unknown) => unknown).call(target, args));
    },
  });
  return new Proxy(prisma, { get: (target, property, receiver) => (property === 'emailMessage' ? emailMessage : Reflect.get(target, property, receiver)) });
}

// Failed attempts are the point of these tests: no warning lines for them.
const quiet = { logger: new DefaultLogger('ERROR') };
const attempt = (number: number, heartbeatDetails?: unknown) => new MockActivityEnvironment({ attempt: number, heartbeatDetails }, quiet);

/** Delivery workflows queueEmail started (no Temporal here: the starts are only recorded). */
const started: Array<{ workflowId: string; taskQueue: string; args: unknown[] }> = [];
const recordingClient = { workflow: { start: (_workflow: unknown, options: (typeof started)[number]) => Promise.resolve(started.push(options)) } } as unknown as Client;

function activities(prisma: PrismaClient, mailer: Mailer = smtpMailer(smtp.url)) {
  return createEmailActivities({ prisma, mailer, mailFrom: 'Billing <billing@example.test>', links: TEST_LINKS, temporal: { client: recordingClient, taskQueue: 'mail-test' } });
}

const row = (key: string) => db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });

test('queueEmail records the email pending with its intent and starts its delivery, attempts on the outbound queue, without sending it', async () => {
  await activities(db.prisma).queueEmail(intent('sub_mail/resumed/0'), '2027-01-01T00:00:00.000Z');

  expect(await row('sub_mail/resumed/0')).toMatchObject({
    status: 'pending',
    intent: intent('sub_mail/resumed/0'),
    subject: expect.stringMatching(/\S/),
    attempts: 0,
    sentAt: null,
    createdAt: new Date('2027-01-01T00:00:00.000Z'),
  });
  expect(started.filter((start) => start.workflowId === emailDeliveryWorkflowId('sub_mail/resumed/0'))).toEqual([
    expect.objectContaining({ taskQueue: 'mail-test', args: [{ emailKey: 'sub_mail/resumed/0', deliveryQueue: 'mail-test-webhooks' }] }),
  ]);
  const { messageId } = await row('sub_mail/resumed/0');
  expect(smtp.received.filter((mail) => mail.messageId === messageId)).toHaveLength(0);
});

test('an email handed to SMTP whose sent mark failed is not sent again by the retry, which only marks it', async () => {
  const key = 'sub_mail/resumed/1';
  await activities(db.prisma).queueEmail(intent(key), '2027-01-01T00:00:00.000Z');
  const first = attempt(1);
  const heartbeats: unknown[] = [];
  first.on('heartbeat', (details: unknown) => heartbeats.push(details));
  await expect(first.run(activities(failingSentMark(db.prisma)).sendEmail, key)).rejects.toMatchObject({ code: 'P1001' });
  expect(smtp.for('sub_mail')).toHaveLength(1);

  // Temporal hands the last heartbeat's details to the next attempt.
  const retry = attempt(2, heartbeats.at(-1));
  const result: SendOutcome = await retry.run(activities(db.prisma).sendEmail, key);

  expect(result.outcome).toBe('already_sent');
  expect(smtp.for('sub_mail')).toHaveLength(1);
  const sent = await row(key);
  expect(sent).toMatchObject({ status: 'sent', sentAt: new Date('2027-01-01T00:00:00.000Z'), attempts: 1 });
  expect(sent.messageId).toBe(smtp.for('sub_mail')[0]!.messageId);
});

test('a retry after a failure before the hand-over (SMTP down) sends the email, once, and counts the attempts', async () => {
  const key = 'sub_mail/resumed/2';
  const working = activities(db.prisma);
  const mailerDown = activities(db.prisma, { destination: 'nowhere', send: () => Promise.reject(new Error('connect ECONNREFUSED')) });
  await working.queueEmail(intent(key), '2027-01-02T00:00:00.000Z');
  await expect(attempt(1).run(mailerDown.sendEmail, key)).rejects.toThrow('ECONNREFUSED');
  expect(await row(key)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connect ECONNREFUSED' });
  const sent: SendOutcome = await attempt(2).run(working.sendEmail, key);
  const again: SendOutcome = await attempt(3).run(working.sendEmail, key);

  expect([sent.outcome, again.outcome]).toEqual(['sent', 'already_sent']);
  expect(smtp.received.filter((mail) => mail.messageId === sent.messageId)).toHaveLength(1);
  expect(await row(key)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
});

test('a 5xx reply to the recipient fails the attempt as a non-retryable EmailRejected; a 4xx reply is retryable', async () => {
  smtp.rejectRecipient('gone@example.com', 550, '5.1.1 mailbox unavailable');
  smtp.rejectRecipient('busy@example.com', 450, '4.2.1 mailbox busy, try again later');
  const working = activities(db.prisma);
  await working.queueEmail(intent('sub_mail/resumed/550', 'gone@example.com'), '2027-01-03T00:00:00.000Z');
  await working.queueEmail(intent('sub_mail/resumed/450', 'busy@example.com'), '2027-01-03T00:00:00.000Z');

  const permanent = await attempt(1).run(working.sendEmail, 'sub_mail/resumed/550').catch((error: unknown) => error);
  const transient = await attempt(1).run(working.sendEmail, 'sub_mail/resumed/450').catch((error: unknown) => error);

  expect(permanent).toBeInstanceOf(ApplicationFailure);
  expect(permanent).toMatchObject({ type: 'EmailRejected', nonRetryable: true, message: expect.stringContaining('550 5.1.1 mailbox unavailable') });
  expect(transient).toBeInstanceOf(ApplicationFailure);
  expect(transient).toMatchObject({ type: 'EmailNotDelivered', nonRetryable: false, message: expect.stringContaining('450 4.2.1') });
  expect(smtp.rejected.map((rejection) => rejection.to)).toEqual(['gone@example.com', 'busy@example.com']);
  expect(await row('sub_mail/resumed/550')).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('550') });
});

test('a 5xx answer to the login (a configuration fault, not the email) is retried like an outage', async () => {
  const key = 'sub_mail/resumed/auth';
  const authRefused = Object.assign(new Error('Invalid login: 535 5.7.8 authentication failed'), { code: 'EAUTH', responseCode: 535 });
  await activities(db.prisma).queueEmail(intent(key), '2027-01-04T00:00:00.000Z');
  const failure = await attempt(1)
    .run(activities(db.prisma, { destination: 'misconfigured', send: () => Promise.reject(authRefused) }).sendEmail, key)
    .catch((error: unknown) => error);
  expect(failure).toMatchObject({ type: 'EmailNotDelivered', nonRetryable: false });
});

test("every link in a customer email opens a portal page: the offer its own, payment problems the subscription's payment-method form", async () => {
  const contents: Array<EmailIntent['content']> = [
    { template: 'payment_failed', invoiceNumber: 'INV-sub_links-0002', amountCents: 900, currency: 'EUR', attempt: 1, declineMessage: 'Declined.', nextRetryAt: null, deadline: null, consequence: null },
    { template: 'final_notice', invoiceNumber: 'INV-sub_links-0002', amountCents: 900, currency: 'EUR', finalAttemptAt: '2027-02-01T00:00:00.000Z', consequence: 'cancel' },
    { template: 'payment_method_update', reason: 'expiring', brand: 'visa', last4: '4242', expMonth: 2, expYear: 2027, nextChargeAt: null, planName: 'Basic monthly', amountCents: 900, currency: 'EUR', interval: 'month' },
    { template: 'offer', offerId: 'OFR-sub_links-0001', fromPlan: 'Basic', toPlan: 'Pro', toPlanAmountCents: 2900, currency: 'EUR', interval: 'month', percentOff: 20, discountPeriods: 3, expiresAt: '2027-02-01T00:00:00.000Z' },
  ];
  const working = activities(db.prisma);
  for (const content of contents) {
    const key = `sub_links/${content.template}/0`;
    await working.queueEmail({ ...intent(key), subscriptionId: 'sub_links', content }, '2027-01-04T00:00:00.000Z');
    await attempt(1).run(working.sendEmail, key);
  }
  const links = smtp.for('sub_links').map((mail) => [mail.template, /https?:\/\/\S+/.exec(mail.text)?.[0]]);
  expect(links).toEqual([
    ['payment_failed', `${TEST_LINKS.publicUrl}/portal/subscriptions/sub_links/payment-method`],
    ['final_notice', `${TEST_LINKS.publicUrl}/portal/subscriptions/sub_links/payment-method`],
    ['payment_method_update', `${TEST_LINKS.publicUrl}/portal/subscriptions/sub_links/payment-method`],
    ['offer', expect.stringMatching(new RegExp(`^${TEST_LINKS.publicUrl}/portal/offers/sub_links/OFR-sub_links-0001\\?token=\\d+\\.[\\w-]+$`))],
  ]);
  const paymentMethod = `${TEST_LINKS.publicUrl}/portal/subscriptions/sub_links/payment-method`;
  expect(smtp.for('sub_links')[0]!.html).toContain(`<a href="${paymentMethod}">${paymentMethod}</a>`);
});

test('a customer whose billing profile reads bokmål gets the email in bokmål, dates in the subscription’s time zone', async () => {
  const profile = { legalName: 'Kari Nordmann', kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' }, language: 'nb' };
  await db.prisma.customer.create({ data: { id: 'cus_kari', email: 'kari@example.no', name: 'Kari', billingProfile: profile, billingProfileVersion: 1 } });
  await db.prisma.subscription.create({
    data: { id: 'sub_nb', workflowId: 'subscription-sub_nb', customerId: 'cus_kari', planCode: 'pro-monthly-nok', status: 'past_due', paymentMethod: 'pm_card_visa' },
  });
  const key = 'sub_nb/payment_failed/0';
  const working = activities(db.prisma);
  await working.queueEmail(
    {
      key,
      to: 'kari@example.no',
      customerName: 'Kari',
      subscriptionId: 'sub_nb',
      timeZone: 'Europe/Oslo',
      content: {
        template: 'payment_failed',
        invoiceNumber: 'INV-sub_nb-0002',
        amountCents: 29_900,
        currency: 'NOK',
        attempt: 1,
        declineMessage: 'Your card has insufficient funds.',
        nextRetryAt: '2027-01-03T23:30:00.000Z',
        deadline: null,
        consequence: null,
      },
    },
    '2027-01-01T00:00:00.000Z',
  );
  expect((await row(key)).subject).toBe('Betalingen for faktura INV-sub_nb-0002 mislyktes');

  await attempt(1).run(working.sendEmail, key);

  const [mail] = smtp.for('sub_nb');
  expect(mail).toMatchObject({ to: 'kari@example.no', template: 'payment_failed', subject: 'Betalingen for faktura INV-sub_nb-0002 mislyktes' });
  const text = mail!.text.replace(/\u00a0/g, ' ');
  expect(text.startsWith('Hei Kari,\n\n')).toBe(true);
  expect(text).toContain('Vi klarte ikke å belaste 299,00 kr for faktura INV-sub_nb-0002 (forsøk 1)');
  expect(text).toContain('Vi prøver igjen 4. januar 2027 kl. 00:30 CET.');
  expect(text).toContain(`Oppdater betalingsmåten din her: ${TEST_LINKS.publicUrl}/portal`);
  expect(mail!.html).toContain('<html lang="nb">');
});
