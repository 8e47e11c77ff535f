// An upsell offer's email link opens its portal page: fetching it (as a mail scanner does) changes
// nothing; its buttons accept or decline through the subscription's workflow, once, and only with
// the page's CSRF token; another customer's offer is a 404 even with a valid CSRF token.
import type { Express } from 'express';
import { csrfToken } from '../../portal/csrf';
import { hashToken } from '../../portal/sessions';
import type { Harness } from '../support/harness';
import { eventually, querySubscription, rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, newCustomer, type Driver } from '../support/lifecycle';
import { Browser, formFields, linkIn, signIn, textOf } from '../support/portal';

let h: Harness;
let app: Express;
let d: Driver;
/** Each subscription's offer page, from the link in its email. */
const links: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  d = driver(h, testApp(h));
  const ids = ['offer_accept', 'offer_decline'];
  for (const id of ids) {
    await d.create({ id, customer: newCustomer(id), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
    // Three of three seats, two periods running: the seats rule offers Pro at 20% off.
    expect((await d.post(`/subscriptions/${id}/usage`, { metric: 'seats', quantity: 3 })).status).toBe(202);
  }
  await d.create({ id: 'offer_other', customer: newCustomer('offer_other'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.advanceTo((await d.get('offer_accept')).currentPeriod.end);
  for (const id of ids) {
    await d.until(id, (s) => s.periodIndex === 1 && s.offer !== null, `an offer for ${id}`);
    await d.emails(id, 4);
    links[id] = linkIn(h.smtp.for(id).find((mail) => mail.template === 'offer')!);
  }
});
afterAll(async () => {
  await h?.teardown();
});

const offerOf = (id: string) => h.db.prisma.offer.findFirstOrThrow({ where: { subscriptionId: id } });
const pathOf = (link: string) => link.split('?')[0]!;

test("the email's link is the offer's page: fetching it, even twice, changes nothing", async () => {
  const offer = await offerOf('offer_accept');
  expect(links.offer_accept).toMatch(new RegExp(`^/portal/offers/offer_accept/${offer.id}\\?token=\\d+\\.`));
  for (const scanner of [new Browser(app), new Browser(app)]) {
    const page = await scanner.get(links.offer_accept!);
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain('You are on Basic monthly. Pro monthly costs €29.00 per month. For you, 20% less for your next 3 billing periods.');
    expect(text).toContain('Accept the offer');
    expect(text).toContain('No, thanks');
  }
  expect(await offerOf('offer_accept')).toMatchObject({ status: 'open', respondedAt: null });
  const live = await querySubscription(h, 'subscription-offer_accept');
  expect([live.plan.code, live.offer?.id]).toEqual(['basic-monthly', offer.id]);
});

test('a button pressed without the page’s CSRF token is refused (403), and nothing changes', async () => {
  const browser = new Browser(app);
  const page = await browser.get(links.offer_accept!);
  const accept = `${pathOf(links.offer_accept!)}/accept`;
  const fields = formFields(page.text, accept);
  const { _csrf: _dropped, ...withoutCsrf } = fields;
  // A token of another form (the sign-in page's) is bound to another purpose.
  const signInCsrf = formFields((await browser.get('/portal/sign-in')).text, '/portal/sign-in')._csrf!;
  for (const form of [withoutCsrf, { ...fields, _csrf: 'forged' }, { ...fields, _csrf: signInCsrf }]) {
    expect((await browser.post(accept, form)).status).toBe(403);
  }
  // The page's own form, sent by another browser: its visitor cookie is not the one it was made for.
  expect((await new Browser(app).post(accept, fields)).status).toBe(403);
  expect(await offerOf('offer_accept')).toMatchObject({ status: 'open' });
  expect((await querySubscription(h, 'subscription-offer_accept')).plan.code).toBe('basic-monthly');
});

test('a forged token, or one for another offer, is refused (403)', async () => {
  const browser = new Browser(app);
  const other = new URLSearchParams(links.offer_decline!.split('?')[1]).get('token')!;
  expect((await browser.get(`${pathOf(links.offer_accept!)}?token=${other}`)).status).toBe(403);
  expect((await browser.get(`${pathOf(links.offer_accept!)}?token=99999999999999.forged`)).status).toBe(403);
});

test("another customer's offer is a 404, even with a CSRF token valid for that page", async () => {
  const browser = new Browser(app);
  await signIn(h, browser, 'offer_other@example.com');
  const path = pathOf(links.offer_decline!);
  expect((await browser.get(path)).status).toBe(404);
  // What no page would hand out: a token minted from the session's own secret for that page.
  const session = await h.db.prisma.portalSession.findUniqueOrThrow({ where: { tokenHash: hashToken(browser.cookies.get('__Host-portal_session')!) } });
  const offer = await offerOf('offer_decline');
  const _csrf = csrfToken({ key: session.csrfSecret, subject: `session|${session.id}` }, `offer|offer_decline|${offer.id}`);
  expect((await browser.post(`${path}/decline`, { _csrf })).status).toBe(404);
  expect(await offerOf('offer_decline')).toMatchObject({ status: 'open' });
});

test('Accept changes the plan through the workflow, once, and is audited as the customer', async () => {
  const browser = new Browser(app);
  const page = await browser.get(links.offer_accept!);
  const accept = `${pathOf(links.offer_accept!)}/accept`;
  const fields = formFields(page.text, accept);
  const accepted = await browser.post(accept, fields);
  expect(accepted.status).toBe(303);
  expect(accepted.headers.location).toBe(links.offer_accept);

  const live = await querySubscription(h, 'subscription-offer_accept');
  expect(live).toMatchObject({ plan: { code: 'pro-monthly' }, offer: null, discount: { source: 'offer', percentOff: 20 } });
  expect(textOf((await browser.get(links.offer_accept!)).text)).toMatch(/You accepted this offer on \d{1,2} \w+ \d{4}\. Your plan is now Pro monthly\./);

  // Pressed again (a double click, a resent form): the page, and no second change.
  expect((await browser.post(accept, fields)).status).toBe(303);
  const changes = await h.db.prisma.invoice.count({ where: { subscriptionId: 'offer_accept', billingReason: 'subscription_update' } });
  expect(changes).toBe(1);
  const { customerId } = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'offer_accept' } });
  const entries = await eventually(
    () => h.db.prisma.auditEvent.findMany({ where: { subscriptionId: 'offer_accept', actorType: 'customer' }, orderBy: { at: 'asc' } }),
    (rows) => rows.length === 2,
    'audit events of both presses',
  );
  expect(entries.map((entry) => [entry.actor, entry.path, entry.outcome])).toEqual([
    [customerId, accept, 303],
    [customerId, accept, 303],
  ]);
});

test('the signed-in customer finds the open offer on the overview, and declines it there', async () => {
  const browser = new Browser(app);
  await signIn(h, browser, 'offer_decline@example.com');
  const overview = await browser.get('/portal');
  const href = /<a href="([^"]+)">See the offer<\/a>/.exec(overview.text)?.[1]?.replace(/&amp;/g, '&');
  expect(textOf(overview.text)).toMatch(/An offer for you Pro monthly at 20% off, open until \d{1,2} \w+ \d{4}\./);
  expect(href && pathOf(href)).toBe(pathOf(links.offer_decline!));

  const decline = `${pathOf(href!)}/decline`;
  const declined = await browser.submit(href!, decline);
  expect(declined.status).toBe(303);
  expect(await offerOf('offer_decline')).toMatchObject({ status: 'declined' });
  expect((await querySubscription(h, 'subscription-offer_decline')).plan.code).toBe('basic-monthly');
  expect(textOf((await browser.get(href!)).text)).toMatch(/You declined this offer on \d{1,2} \w+ \d{4}\./);
});
