// Links in customer emails. A mail scanner (or a mail client's link preview) fetches every link of
// every email it sees, without cookies, before the customer does: each fetch must be a page that
// changes nothing, so no offer is accepted, no sign-in link used up and no payment confirmed by a
// machine. And the link of an email about a failing card takes the customer through sign-in to the
// subscription's payment-method form.
import type { Express } from 'express';
import request from 'supertest';
import { DEFAULT_POLICY } from '../../domain/subscription';
import type { PaymentEvent } from '../../domain/payment-events';
import type { ReceivedEmail } from '../../simulator/smtp-catcher';
import { paymentEvent } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { eventually, querySubscription, rawTestApp, startHarness, TEST_LINKS, testApp } from '../support/harness';
import { DAY, driver, newCustomer, type Driver } from '../support/lifecycle';
import { Browser, linkIn, signInEmails, textOf } from '../support/portal';

let h: Harness;
let app: Express;
let d: Driver;

/** Every subscription of this file, each sending other emails. */
const SUBSCRIPTIONS = ['links_offer', 'links_dunning', 'links_expiring', 'links_sca'] as const;

/** Emails whose links the scan must meet, each at least once. */
const LINKED = ['offer', 'payment_failed', 'final_notice', 'payment_method_update', 'payment_action_required', 'portal_sign_in', 'quote'];

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  d = driver(h, testApp(h));
  // Retries a day and two days after the first failure: the second failure brings the final notice.
  const quick = driver(h, testApp(h, { ...DEFAULT_POLICY, dunning: { retryDelaysDays: [1, 2], finalAction: 'cancel' } }));

  await d.create({ id: 'links_offer', customer: newCustomer('links_offer'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  // Three of three seats, two periods running: the seats rule offers Pro at the renewal.
  expect((await d.post('/subscriptions/links_offer/usage', { metric: 'seats', quantity: 3 })).status).toBe(202);
  const dunning = await quick.create({ id: 'links_dunning', customer: newCustomer('links_dunning'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect((await d.post('/subscriptions/links_dunning/payment-method', { paymentMethod: 'pm_card_insufficient_funds' })).status).toBe(200);
  await d.create({ id: 'links_expiring', customer: newCustomer('links_expiring'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });

  await d.advanceTo(dunning.currentPeriod.end);
  await d.until('links_offer', (s) => s.periodIndex === 1 && s.offer !== null, 'an offer');
  await d.until('links_dunning', (s) => s.dunning?.attempts === 1, 'the first failed renewal');
  await d.advance(DAY + 60_000);
  await d.until('links_dunning', (s) => s.dunning?.attempts === 2, 'the second failure');

  // A card about to expire, as the gateway reports it.
  const renewal = new Date((await d.get('links_expiring')).currentPeriod.end);
  const monthBefore = new Date(Date.UTC(renewal.getUTCFullYear(), renewal.getUTCMonth() - 1, 1));
  const expiring: PaymentEvent = {
    kind: 'card_expiring',
    eventId: 'evt_links_expiring',
    paymentMethod: 'pm_card_visa',
    brand: 'visa',
    last4: '4242',
    expMonth: monthBefore.getUTCMonth() + 1,
    expYear: monthBefore.getUTCFullYear(),
  };
  await h.env.client.workflow.getHandle('subscription-links_expiring').signal(paymentEvent, expiring);
  // A first payment the bank wants confirmed: pending while the scan runs.
  await d.create({ id: 'links_sca', customer: newCustomer('links_sca'), plan: 'pro-monthly', paymentMethod: 'pm_card_authentication_required' });
  // A sign-in link asked for from the payment email's page.
  const asked = await new Browser(app).submit('/portal/sign-in?next=%2Fportal%2Fsubscriptions%2Flinks_dunning%2Fpayment-method', '/portal/sign-in', { email: 'links_dunning@example.com' });
  expect(asked.status).toBe(200);

  await arrived('links_offer', 'offer');
  await arrived('links_dunning', 'final_notice');
  await arrived('links_expiring', 'payment_method_update');
  await arrived('links_sca', 'payment_action_required');
  await signInEmails(h, 'links_dunning@example.com');
  // A quote sent to someone who is not a customer yet: its page has the Accept button.
  const quote = await request(d.app).post('/quotes').send({ customer: newCustomer('links_quote'), plan: 'pro-monthly', expiresAt: new Date((await h.env.currentTimeMs()) + 14 * DAY).toISOString() });
  expect((await request(d.app).post(`/quotes/${quote.body.id}/send`)).status).toBe(200);
  await eventually(async () => h.smtp.received.filter((mail) => mail.template === 'quote'), (mails) => mails.length === 1, 'the quote email');
});
afterAll(async () => {
  await h?.teardown();
});

/** Waits for the subscription's email of `template`, and for the database to record it sent. */
async function arrived(id: string, template: string): Promise<void> {
  const received = await eventually(async () => h.smtp.for(id), (mails) => mails.some((mail) => mail.template === template), `${template} email for ${id}`);
  await d.emails(id, received.length);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&#39;': "'", '&quot;': '"' };

/** Every http(s) link of the email, in its text and its HTML. */
function linksOf(mail: ReceivedEmail): string[] {
  const found = [...`${mail.text}\n${mail.html}`.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((match) => match[0].replace(/&(amp|#39|quot);/g, (entity) => ENTITIES[entity] ?? entity));
  return [...new Set(found)];
}

/** What a fetch could change: the rows of billing and sign-in, and what each workflow holds. */
async function everything() {
  const { prisma } = h.db;
  return {
    subscriptions: await prisma.subscription.findMany({ orderBy: { id: 'asc' } }),
    offers: await prisma.offer.findMany({ orderBy: { id: 'asc' } }),
    invoices: await prisma.invoice.findMany({ orderBy: { id: 'asc' } }),
    paymentAttempts: await prisma.paymentAttempt.findMany({ orderBy: { id: 'asc' } }),
    sandboxCharges: await prisma.sandboxCharge.findMany({ orderBy: { chargeId: 'asc' } }),
    signInTokens: await prisma.portalSignInToken.findMany({ orderBy: { id: 'asc' } }),
    quotes: await prisma.quote.findMany({ orderBy: { id: 'asc' } }),
    customers: await prisma.customer.count(),
    sessions: await prisma.portalSession.findMany({ orderBy: { id: 'asc' } }),
    emails: await prisma.emailMessage.findMany({ orderBy: { idempotencyKey: 'asc' } }),
    auditEvents: await prisma.auditEvent.count(),
    views: await Promise.all(SUBSCRIPTIONS.map((id) => querySubscription(h, `subscription-${id}`))),
  };
}

interface Fetched {
  link: string;
  /** Each answer on the way: redirects, then the page. */
  answers: Array<{ status: number; location?: string; type?: string }>;
}

/** GET as a scanner does: no cookies, redirects followed (each one a GET of the next address). */
async function scan(link: string): Promise<Fetched> {
  const answers: Fetched['answers'] = [];
  let path = `${new URL(link).pathname}${new URL(link).search}`;
  for (let hop = 0; hop < 5; hop += 1) {
    const res = await request(app).get(path);
    answers.push({ status: res.status, location: res.headers.location, type: res.type });
    if (res.status < 300 || res.status >= 400) break;
    path = res.headers.location!;
  }
  return { link, answers };
}

test('a prefetch (GET) of every link of every customer email changes nothing, and each is a page', async () => {
  const mails = h.smtp.received;
  const linked = mails.filter((mail) => linksOf(mail).length > 0);
  expect([...new Set(linked.map((mail) => mail.template))].sort()).toEqual([...LINKED].sort());
  expect(mails.map((mail) => mail.template)).toEqual(expect.arrayContaining(['welcome', 'receipt']));
  const links = [...new Set(linked.flatMap(linksOf))];
  // Every link is to this engine's public address; none to anyone else.
  expect(links.filter((link) => !link.startsWith(`${TEST_LINKS.publicUrl}/`))).toEqual([]);

  const before = await everything();
  // Twice, as scanners and link previews often do.
  const fetched = [];
  for (let round = 0; round < 2; round += 1) {
    for (const link of links) fetched.push(await scan(link));
  }
  const after = await everything();

  for (const { link, answers } of fetched) {
    const page = answers.at(-1)!;
    expect({ link, status: page.status, type: page.type }).toEqual({ link, status: 200, type: 'text/html' });
    // A redirect only sends a signed-out visitor on to sign in, to come back after.
    for (const redirect of answers.slice(0, -1)) {
      expect({ link, status: redirect.status, location: redirect.location }).toEqual({ link, status: 303, location: expect.stringMatching(/^\/portal\/sign-in\?next=%2Fportal%2F/) });
    }
  }
  expect(after).toEqual(before);
  expect(before.offers.map((offer) => offer.status)).toEqual(['open']);
  expect(before.signInTokens.map((token) => token.usedAt)).toEqual([null]);
  expect(before.quotes.map((quote) => quote.status)).toEqual(['sent']);
  expect(before.sandboxCharges.filter((charge) => charge.outcome === 'pending')).toHaveLength(1);

  // What the scan fetched still works for the customer: the sign-in link signs in, once.
  const [signInMail] = await signInEmails(h, 'links_dunning@example.com');
  const browser = new Browser(app);
  const signedIn = await browser.submit(linkIn(signInMail!), '/portal/sign-in/link');
  expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/portal/subscriptions/links_dunning/payment-method']);
});

test("the link of an email about a failing card leads through sign-in to the subscription's payment-method form", async () => {
  const link = linkIn(h.smtp.for('links_dunning').find((mail) => mail.template === 'final_notice')!);
  expect(link).toBe('/portal/subscriptions/links_dunning/payment-method');
  const browser = new Browser(app);
  const away = await browser.get(link);
  expect([away.status, away.headers.location]).toEqual([303, '/portal/sign-in?next=%2Fportal%2Fsubscriptions%2Flinks_dunning%2Fpayment-method']);

  const count = (await signInEmails(h, 'links_dunning@example.com')).length;
  await browser.submit(away.headers.location!, '/portal/sign-in', { email: 'links_dunning@example.com' });
  const signInLink = linkIn((await signInEmails(h, 'links_dunning@example.com', count + 1))[count]!);
  expect(new URLSearchParams(signInLink.split('?')[1]).get('next')).toBe(link);
  const signedIn = await browser.submit(signInLink, '/portal/sign-in/link');
  expect([signedIn.status, signedIn.headers.location]).toEqual([303, link]);

  const landing = await browser.get(link);
  expect([landing.status, landing.headers.location]).toEqual([303, '/portal/subscriptions/links_dunning#payment-method']);
  const page = await browser.get('/portal/subscriptions/links_dunning');
  expect(page.text).toContain('<h2 id="payment-method">');
  expect(textOf(page.text)).toContain('A payment is overdue: a new payment method is charged for it at once.');
});
