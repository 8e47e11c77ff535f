// When a subscription's run continues-as-new (issue 11): only once the new period is invoiced, and
// never held up by emails a mail outage keeps from going out.
import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import type { SubscriptionState } from '../../domain/subscription';
import type { Mailer } from '../../emails/mailer';
import { workflowHealth } from '../../simulator/health';
import { fetchRunChain } from '../../simulator/histories';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
let mailDown = false;
beforeAll(async () => {
  // The SMTP server refuses connections while `mailDown` is set.
  const outage = (smtp: Mailer): Mailer => ({
    destination: smtp.destination,
    send: (email) => (mailDown ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' })) : smtp.send(email)),
  });
  h = await startHarness({ mailer: outage });
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

/** The state each run handed to the next, in chain order. */
async function carriedStates(id: string): Promise<SubscriptionState[]> {
  const runs = await fetchRunChain(h.env.client.workflow, `subscription-${id}`);
  return runs.flatMap(({ history }) => {
    const payload = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads?.[0];
    return payload ? [defaultPayloadConverter.fromPayload<{ state: SubscriptionState }>(payload).state] : [];
  });
}

test('a run continues-as-new only once the new period is invoiced and charged', async () => {
  const created = await d.create({ id: 'handover', customer: newCustomer('handover'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.advanceTo(created.currentPeriod.end);
  await d.until('handover', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal');
  const [carried] = await carriedStates('handover');
  expect(carried).toMatchObject({ periodIndex: 1, currentPeriodInvoiced: true, latestInvoice: { periodIndex: 1, status: 'paid' } });
});

test('a mail outage holds up neither a renewal nor the continue-as-new after it; the email goes out once mail is back', async () => {
  const created = await d.create({ id: 'mail_down', customer: newCustomer('mail-down'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.emails('mail_down', 2);
  mailDown = true;
  try {
    await d.advanceTo(created.currentPeriod.end);
    await d.until('mail_down', (s) => s.periodIndex === 1 && s.latestInvoice?.status === 'paid', 'the renewal');
    // The renewal handed over to a new run while its receipt could not be sent (the workflow's own
    // answer: the stored view counts the new run only from its first step).
    const renewed = await request(d.app).get('/subscriptions/mail_down').query({ consistency: 'strong' });
    expect(renewed.body.runs.count).toBe(2);
    const receipt = await h.db.prisma.emailMessage.findFirstOrThrow({ where: { subscriptionId: 'mail_down', template: 'receipt', sentAt: null } });
    expect(receipt).toMatchObject({ status: 'pending', lastError: expect.stringContaining('ECONNREFUSED') });
    expect(await workflowHealth(h, 'subscription-mail_down')).toMatchObject({ ok: true, status: 'RUNNING' });
  } finally {
    mailDown = false;
  }
  // The delivery's next retry (at most 10 minutes away) sends it.
  await d.advance(15 * 60_000);
  expect(await d.emails('mail_down', 3)).toEqual(['receipt', 'welcome', 'receipt']);
});
