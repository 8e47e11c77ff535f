// Quotes end to end: a draft is edited, sent (the link is emailed), and accepted on the link's page
// into a subscription with its plan, an add-on and a custom line; accepting again changes nothing;
// an expired quote cannot be accepted; a sent quote cannot be edited; bad input writes nothing.
import type { Express } from 'express';
import request from 'supertest';
import type { Harness } from '../support/harness';
import { eventually, rawTestApp, retireSubscriptions, startHarness, testApp } from '../support/harness';
import { DAY, newCustomer } from '../support/lifecycle';
import { Browser, formFields as formOf, linkIn, textOf } from '../support/portal';
import { startReceiver, type Receiver } from '../webhooks/receiver';

let h: Harness;
let api: Express;
let portal: Express;
let receiver: Receiver;
beforeAll(async () => {
  h = await startHarness();
  api = testApp(h);
  portal = rawTestApp(h);
  receiver = await startReceiver();
  expect((await request(api).post('/webhooks').send({ url: receiver.url, events: ['quote.sent', 'quote.accepted'] })).status).toBe(201);
});
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await receiver?.close();
  await h?.teardown();
});

const inDays = async (days: number) => new Date((await h.env.currentTimeMs()) + days * DAY).toISOString();

const onboarding = { description: 'Onboarding workshop', unitAmountCents: 15_000, quantity: 1 };

async function draft(name: string, overrides: Record<string, unknown> = {}) {
  const res = await request(api)
    .post('/quotes')
    .send({ customer: newCustomer(name), plan: 'pro-monthly', addOns: [{ code: 'extra-seat', quantity: 1 }], customLines: [onboarding], expiresAt: await inDays(14), ...overrides });
  expect([res.status, res.body.detail]).toEqual([201, undefined]);
  return res.body;
}

async function sent(quoteId: string) {
  const res = await request(api).post(`/quotes/${quoteId}/send`);
  expect(res.status).toBe(200);
  return res.body as { quote: { status: string }; url: string };
}

const quoteEmails = (to: string) => eventually(async () => h.smtp.received.filter((mail) => mail.template === 'quote' && mail.to === to), (mails) => mails.length > 0, `quote email to ${to}`);

test('a quote drafted, edited, sent and accepted on its link becomes a subscription with the plan, the add-on and the custom line, billed as quoted', async () => {
  const created = await draft('quote-ada');
  expect(created).toMatchObject({ status: 'draft', plan: 'pro-monthly', currency: 'EUR', customer: { id: null, email: 'quote-ada@example.com' }, subscriptionId: null });
  expect(created.pricing.firstInvoice.totalCents).toBe(2_900 + 500 + 15_000);

  const edited = await request(api).patch(`/quotes/${created.id}`).send({ addOns: [{ code: 'extra-seat', quantity: 3 }] });
  expect(edited.status).toBe(200);
  expect(edited.body.addOns).toEqual([{ code: 'extra-seat', quantity: 3 }]);
  const quoted = edited.body.pricing.firstInvoice;
  expect(quoted.lines.map((line: { kind: string; amountCents: number }) => [line.kind, line.amountCents])).toEqual([
    ['subscription', 2_900],
    ['addon', 1_500],
    ['addon', 15_000],
  ]);
  expect([quoted.totalCents, quoted.taxCents]).toEqual([19_400, 3_880]);

  const { quote, url } = await sent(created.id);
  expect(quote.status).toBe('sent');
  const [mail] = await quoteEmails('quote-ada@example.com');
  expect(mail!.subject).toBe('Your quote for Pro monthly');
  const link = linkIn(mail!);
  expect(url.endsWith(link)).toBe(true);
  // The row keeps the token's hash only, and the outbox the quote's id: neither holds the link.
  const token = decodeURIComponent(link.split('/').at(-1)!);
  const row = await h.db.prisma.quote.findUniqueOrThrow({ where: { id: created.id } });
  const outbox = await h.db.prisma.emailMessage.findFirstOrThrow({ where: { template: 'quote', to: 'quote-ada@example.com' } });
  expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify([row, outbox])).not.toContain(token.split('.')[1]);

  // A sent quote is what the customer was sent.
  const late = await request(api).patch(`/quotes/${created.id}`).send({ addOns: [] });
  expect([late.status, late.body.type]).toEqual([409, '/problems/conflict']);

  const browser = new Browser(portal);
  const page = await browser.get(link);
  expect(page.status).toBe(200);
  expect(textOf(page.text)).toContain('Onboarding workshop');
  expect(textOf(page.text)).toContain('€194.00');
  expect(await h.db.prisma.subscription.count({ where: { id: `sub_${created.id}` } })).toBe(0);

  const accepted = await browser.submit(link, `${link}/accept`, { paymentMethod: 'pm_card_visa' });
  expect([accepted.status, accepted.headers.location]).toEqual([303, link]);
  const after = await browser.get(link);
  expect(textOf(after.text)).toContain(`Your subscription sub_${created.id} has started.`);

  const subscriptionId = `sub_${created.id}`;
  const subscription = (await request(api).get(`/subscriptions/${subscriptionId}`)).body;
  expect(subscription).toMatchObject({ status: 'active', plan: { code: 'pro-monthly' }, paymentMethod: 'pm_card_visa', latestInvoice: { status: 'paid', amountCents: 19_400 } });
  expect(subscription.addOns.map((a: { code: string; quantity: number; unitAmountCents: number }) => [a.code, a.quantity, a.unitAmountCents])).toEqual([
    ['extra-seat', 3, 500],
    ['custom-1', 1, 15_000],
  ]);
  const invoice = await h.db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId }, include: { lines: { orderBy: { position: 'asc' } } } });
  expect(invoice.lines.map((line) => [line.description, line.amountCents])).toEqual(quoted.lines.map((line: { description: string; amountCents: number }) => [line.description, line.amountCents]));

  const read = (await request(api).get(`/quotes/${created.id}`)).body;
  expect(read).toMatchObject({ status: 'accepted', subscriptionId, paymentMethod: 'pm_card_visa', pricing: null });
  expect(read.customer.id).toBe(subscription.customer.id);

  // Accepting again, by sales or on the page, answers the same subscription and charges nothing more.
  const again = await request(api).post(`/quotes/${created.id}/accept`).send({});
  expect([again.status, again.body.subscription.id, again.body.quote.status]).toEqual([200, subscriptionId, 'accepted']);
  const resent = await browser.post(`${link}/accept`, { ...formOf(page.text, `${link}/accept`), paymentMethod: 'pm_card_visa' });
  expect([resent.status, resent.headers.location]).toEqual([303, link]);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId } })).toBe(1);
  expect(await h.db.prisma.sandboxCharge.count({ where: { reference: { startsWith: `INV-${subscriptionId}-` } } })).toBe(1);

  // One event per fact, however often it was asked for.
  const events = await eventually(
    async () => receiver.received.filter((hook) => hook.body.data.quote?.id === created.id).map((hook) => hook.body),
    (found) => found.length >= 2,
    'the quote webhooks',
  );
  expect(events.map((event) => [event.type, event.data.quote!.status, event.data.quote!.subscriptionId])).toEqual([
    ['quote.sent', 'sent', null],
    ['quote.accepted', 'accepted', subscriptionId],
  ]);
  expect(await h.db.prisma.webhookEvent.count({ where: { type: { startsWith: 'quote.' }, payload: { path: ['quote', 'id'], equals: created.id } } })).toBe(2);
});

test("a quote for someone without an account speaks the quote's language, in the email and on the page, and asks for a payment method it lacks", async () => {
  const created = await draft('quote-kari', { plan: 'pro-monthly-nok', addOns: [], customLines: [], language: 'nb' });
  await sent(created.id);
  const [mail] = await quoteEmails('quote-kari@example.com');
  expect(mail!.subject).toBe('Ditt tilbud på Pro monthly');
  const link = linkIn(mail!);
  const browser = new Browser(portal);
  const page = await browser.get(link);
  expect(page.text).toContain('<html lang="nb"');
  expect(textOf(page.text)).toContain('Godta tilbudet');
  expect(page.text).toContain('name="paymentMethod"');

  const wrong = await browser.submit(link, `${link}/accept`, { paymentMethod: 'visa 4242' });
  expect(wrong.status).toBe(400);
  expect(textOf(wrong.text)).toContain('Skriv inn et betalingsmåte-token, for eksempel pm_card_visa.');
  expect(await h.db.prisma.subscription.count({ where: { id: `sub_${created.id}` } })).toBe(0);

  const withMethod = await draft('quote-kari-card', { paymentMethod: 'pm_card_visa' });
  const { url } = await sent(withMethod.id);
  expect((await browser.get(new URL(url).pathname)).text).not.toContain('name="paymentMethod"');
});

test('a declined first charge still makes the subscription, incomplete and waiting for a working card, and the quote is accepted with it', async () => {
  const created = await draft('quote-declined', { customLines: [] });
  const { url } = await sent(created.id);
  const link = new URL(url).pathname;
  const browser = new Browser(portal);
  const posted = await browser.submit(link, `${link}/accept`, { paymentMethod: 'pm_card_insufficient_funds' });
  expect(posted.status).toBe(303);
  const subscriptionId = `sub_${created.id}`;
  const subscription = (await request(api).get(`/subscriptions/${subscriptionId}`)).body;
  expect(subscription).toMatchObject({ status: 'incomplete', latestInvoice: { status: 'open' } });
  const quote = (await request(api).get(`/quotes/${created.id}`)).body;
  expect(quote).toMatchObject({ status: 'accepted', subscriptionId, paymentMethod: 'pm_card_insufficient_funds' });
  const page = await eventually(
    async () => textOf((await browser.get(link)).text),
    (text) => text.includes('did not go through'),
    'the page to show the unpaid subscription',
  );
  expect(page).toContain(`The first payment of your subscription ${subscriptionId} did not go through: sign in to give another payment method.`);
});

test('a quote accepted twice at once makes one subscription', async () => {
  const created = await draft('quote-race', { paymentMethod: 'pm_card_visa' });
  const [first, second] = await Promise.all([request(api).post(`/quotes/${created.id}/accept`).send({}), request(api).post(`/quotes/${created.id}/accept`).send({})]);
  expect([first.status, second.status].sort()).toEqual([200, 201]);
  expect(first.body.subscription.id).toBe(second.body.subscription.id);
  expect(await h.db.prisma.subscription.count({ where: { customer: { email: 'quote-race@example.com' } } })).toBe(1);
});

test('a sent quote past its expiry reads as expired and cannot be accepted, by sales or on its page', async () => {
  const created = await draft('quote-late', { expiresAt: await inDays(2) });
  const unsent = await draft('quote-unsent', { expiresAt: await inDays(2) });
  const { url } = await sent(created.id);
  const link = new URL(url).pathname;
  const browser = new Browser(portal);
  const open = await browser.get(link);
  expect(open.text).toContain(`action="${link}/accept"`);

  await h.env.sleep(3 * DAY);
  const read = (await request(api).get(`/quotes/${created.id}`)).body;
  expect(read.status).toBe('expired');
  const listed = (await request(api).get('/quotes').query({ status: 'expired' })).body;
  expect(listed.data.map((quote: { id: string }) => quote.id)).toEqual([created.id]);
  expect((await request(api).get('/quotes').query({ status: 'sent' })).body.data.map((quote: { id: string }) => quote.id)).not.toContain(created.id);

  const refused = await request(api).post(`/quotes/${created.id}/accept`).send({ paymentMethod: 'pm_card_visa' });
  expect([refused.status, refused.body.type, refused.body.title]).toEqual([409, '/problems/quote-expired', 'The quote is no longer open']);
  // A draft past its expiry is not sent: a later expiresAt first.
  const stale = await request(api).post(`/quotes/${unsent.id}/send`);
  expect([stale.status, stale.body.type]).toEqual([409, '/problems/quote-expired']);
  expect((await request(api).patch(`/quotes/${unsent.id}`).send({ expiresAt: '2020-01-01T00:00:00Z' })).body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
  expect((await request(api).patch(`/quotes/${unsent.id}`).send({ expiresAt: await inDays(7) })).status).toBe(200);
  expect((await request(api).post(`/quotes/${unsent.id}/send`)).status).toBe(200);
  // The form loaded before the expiry changes nothing either; the page says the quote expired.
  const posted = await browser.post(`${link}/accept`, { ...formOf(open.text, `${link}/accept`), paymentMethod: 'pm_card_visa' });
  expect(posted.status).toBe(303);
  const page = await browser.get(link);
  expect(textOf(page.text)).toMatch(/This quote expired on .+\. Ask us for a new one\./);
  expect(page.text).not.toContain(`action="${link}/accept"`);
  expect(await h.db.prisma.subscription.count({ where: { id: `sub_${created.id}` } })).toBe(0);
  expect(await h.db.prisma.customer.count({ where: { email: 'quote-late@example.com' } })).toBe(0);
});

test('sales accept on the customer’s behalf with a payment method when the quote has none; a canceled quote is closed', async () => {
  const created = await draft('quote-sales', { customLines: [] });
  const missing = await request(api).post(`/quotes/${created.id}/accept`).send({});
  expect([missing.status, missing.body.errors]).toEqual([400, [{ field: 'paymentMethod', message: expect.stringContaining('no payment method') }]]);
  const accepted = await request(api).post(`/quotes/${created.id}/accept`).send({ paymentMethod: 'pm_card_visa' });
  expect([accepted.status, accepted.headers.location]).toEqual([201, `/subscriptions/sub_${created.id}`]);
  expect(accepted.body.subscription.addOns.map((a: { code: string }) => a.code)).toEqual(['extra-seat']);
  const cancelAccepted = await request(api).post(`/quotes/${created.id}/cancel`).send();
  expect(cancelAccepted.status).toBe(409);

  const other = await draft('quote-withdrawn', { paymentMethod: 'pm_card_visa' });
  const { url } = await sent(other.id);
  const canceled = await request(api).post(`/quotes/${other.id}/cancel`).send();
  expect([canceled.status, canceled.body.status]).toEqual([200, 'canceled']);
  const refused = await request(api).post(`/quotes/${other.id}/accept`).send({});
  expect(refused.status).toBe(409);
  const page = await new Browser(portal).get(new URL(url).pathname);
  expect(textOf(page.text)).toMatch(/This quote was withdrawn on .+\./);
});

test.each([
  ['plan', { plan: 'platinum-monthly' }, 'unknown plan'],
  ['addOns[0].code', { addOns: [{ code: 'gold-seat', quantity: 1 }] }, 'unknown add-on'],
  ['coupon', { plan: 'pro-monthly-nok', coupon: 'LOYAL5' }, 'EUR'],
  ['customLines.0.unitAmountCents', { customLines: [{ description: 'Setup', unitAmountCents: -1, quantity: 1 }] }, ''],
  ['expiresAt', { expiresAt: '2020-01-01T00:00:00Z' }, 'in the future'],
  ['customer.email', { customer: { name: 'Nobody' } }, 'existing customer'],
  ['customer.id', { customer: { id: 'cus_nobody' } }, 'no customer'],
])('a bad %s is a 400 problem naming the field, and writes nothing', async (field, overrides, message) => {
  const before = await h.db.prisma.quote.count();
  const res = await request(api)
    .post('/quotes')
    .send({ customer: newCustomer('quote-bad'), plan: 'pro-monthly', expiresAt: await inDays(14), ...overrides });
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]));
  expect(await h.db.prisma.quote.count()).toBe(before);
});

test('quotes are listed newest first, a page at a time, and filtered by customer', async () => {
  const older = await draft('quote-list');
  const newer = await draft('quote-list');
  const first = (await request(api).get('/quotes').query({ customer: 'quote-list@example.com', limit: 1 })).body;
  expect(first.data.map((quote: { id: string }) => quote.id)).toEqual([newer.id]);
  expect(first.data[0].pricing).toBeUndefined();
  const second = (await request(api).get('/quotes').query({ customer: 'quote-list@example.com', limit: 1, cursor: first.nextCursor })).body;
  expect([second.data.map((quote: { id: string }) => quote.id), second.nextCursor]).toEqual([[older.id], null]);
});

test('a quote whose add-on is archived after it was made shows no price, and can be neither sent nor accepted', async () => {
  expect((await request(api).post('/add-ons').send({ code: 'quote-kit', name: 'Quote kit', kind: 'recurring', prices: { EUR: 1_000 } })).status).toBe(201);
  const created = await draft('quote-archived', { addOns: [{ code: 'quote-kit', quantity: 1 }], paymentMethod: 'pm_card_visa' });
  expect(created.pricing.firstInvoice.totalCents).toBe(2_900 + 1_000 + 15_000);
  expect((await request(api).post('/add-ons/quote-kit/archive').send()).status).toBe(200);

  expect((await request(api).get(`/quotes/${created.id}`)).body).toMatchObject({ status: 'draft', pricing: null });
  for (const action of ['send', 'accept']) {
    const refused = await request(api).post(`/quotes/${created.id}/${action}`).send({});
    expect([action, refused.status, refused.body.errors]).toEqual([action, 400, [expect.objectContaining({ field: 'addOns[0].code', message: expect.stringContaining('archived') })]]);
  }
  expect((await request(api).get(`/quotes/${created.id}`)).body.status).toBe('draft');
  expect(await h.db.prisma.subscription.count({ where: { id: `sub_${created.id}` } })).toBe(0);
});
