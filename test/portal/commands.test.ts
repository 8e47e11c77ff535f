// The portal's command pages against the real workflow: a signed-in customer changes plan and sets
// add-ons after a preview, applies a coupon, updates the payment method, pauses and resumes, cancels
// and uncancels, for their own subscription only; a form without its CSRF token changes nothing;
// a refused command or an unknown coupon is said on the page, never a crash.
import type { Express } from 'express';
import request from 'supertest';
import { csrfToken } from '../../portal/csrf';
import { hashToken } from '../../portal/sessions';
import type { Harness } from '../support/harness';
import { querySubscription, rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, newCustomer, type Driver } from '../support/lifecycle';
import { Browser, formFields, signIn, textOf } from '../support/portal';

let h: Harness;
let app: Express;
let d: Driver;

const NORWEGIAN_PROFILE = { legalName: 'Kari Nordmann', kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' }, language: 'nb' };

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  d = driver(h, testApp(h));
  await d.create({ id: 'cmd_ada', customer: newCustomer('cmd_ada'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'cmd_bob', customer: newCustomer('cmd_bob'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'cmd_kari', customer: { ...newCustomer('cmd_kari'), billingProfile: NORWEGIAN_PROFILE }, plan: 'basic-monthly-nok', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'cmd_decl', customer: newCustomer('cmd_decl'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  await d.create({ id: 'cmd_due', customer: newCustomer('cmd_due'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
});
afterAll(async () => {
  await h?.teardown();
});

const live = (id: string) => querySubscription(h, `subscription-${id}`);
const euros = (cents: number) => `${cents < 0 ? '-' : ''}€${(Math.abs(cents) / 100).toFixed(2)}`;
const page = (id: string) => `/portal/subscriptions/${id}`;

async function signedIn(name: string): Promise<Browser> {
  const browser = new Browser(app);
  await signIn(h, browser, `${name}@example.com`);
  return browser;
}

test('the overview links to the page of commands, which lists the other plans of the same currency', async () => {
  const browser = await signedIn('cmd_ada');
  expect((await browser.get('/portal')).text).toContain(`href="${page('cmd_ada')}"`);
  const manage = await browser.get(page('cmd_ada'));
  expect(manage.status).toBe(200);
  const text = textOf(manage.text);
  expect(text).toContain('You are on Basic monthly: €9.00 per month.');
  expect(text).toContain('Pro monthly: €29.00 per month');
  expect(text).not.toMatch(/kr/);
  expect(text).toContain('Sandbox payment token');
  expect(text).not.toContain('own payment page');
});

test('custom lines agreed with the customer are listed at their price, with no form to change them', async () => {
  const customLines = [{ description: 'Dedicated support', unitAmountCents: 4_000, quantity: 2 }];
  await d.create({ id: 'cmd_pkg', customer: newCustomer('cmd_pkg'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa', customLines });
  const browser = await signedIn('cmd_pkg');
  const manage = await browser.get(page('cmd_pkg'));
  const text = textOf(manage.text);
  expect(text).toContain('Agreed with you');
  expect(text).toContain('Dedicated support × 2: €80.00 per month');
  expect(manage.text).not.toContain('value="custom-1"');
  // Without custom lines, no such section.
  expect(textOf((await (await signedIn('cmd_bob')).get(page('cmd_bob'))).text)).not.toContain('Agreed with you');
});

test("with the Stripe gateway the payment method field says the business's own page collects cards", async () => {
  const stripe = new Browser(rawTestApp(h, { stripeWebhook: { secret: 'whsec_portal_commands' } }));
  await signIn(h, stripe, 'cmd_bob@example.com');
  expect(textOf((await stripe.get(page('cmd_bob'))).text)).toContain('Cards are collected on the business’s own payment page; this field is for test tokens.');
});

test('changing plan shows the exact preview, and Confirm changes the plan (POST/redirect/GET)', async () => {
  const browser = await signedIn('cmd_ada');
  const preview = await browser.get(`${page('cmd_ada')}/plan?plan=pro-monthly`);
  expect(preview.status).toBe(200);
  const text = textOf(preview.text);
  expect(text).toContain('Change to Pro monthly');
  expect(text).toContain('The change takes effect now.');
  // Exactly what the API's preview of the same change says: each line and the total.
  const api = (await request(d.app).get('/subscriptions/cmd_ada/plan-change/preview?plan=pro-monthly')).body as { invoice: { lines: { description: string; amountCents: number }[]; amountCents: number } };
  expect(api.invoice.lines.length).toBeGreaterThan(0);
  for (const line of api.invoice.lines) expect(text).toContain(`${line.description} ${euros(line.amountCents)}`);
  expect(text).toContain(`Total due now ${euros(api.invoice.amountCents)}`);
  const confirmed = await browser.post(`${page('cmd_ada')}/plan`, formFields(preview.text, `${page('cmd_ada')}/plan`));
  expect(confirmed.status).toBe(303);
  expect(confirmed.headers.location).toBe(`${page('cmd_ada')}?done=planChanged`);
  expect((await live('cmd_ada')).plan.code).toBe('pro-monthly');
  expect(textOf((await browser.get(confirmed.headers.location!)).text)).toContain('Your plan is now Pro monthly.');
  // A plan of another currency has no preview here.
  expect((await browser.get(`${page('cmd_ada')}/plan?plan=basic-monthly-nok`)).status).toBe(404);
});

// Before the next test moves time to the renewal: cmd_kari renews then too, and at the very end
// of a period an add-on has nothing left to prorate.
test('the add-on preview speaks the customer’s language: bokmål, with kroner and dates in words', async () => {
  const browser = await signedIn('cmd_kari');
  const preview = await browser.get(`${page('cmd_kari')}/add-ons/preview?code=extra-seat&quantity=1`);
  expect(preview.status).toBe(200);
  const text = textOf(preview.text);
  expect(text).toContain('Endre Extra seat');
  expect(text).toContain('Extra seat: fra 0 til 1.');
  expect(text).toContain('Ingenting å betale nå.');
  expect(text).toMatch(/Extra seat lagt til, \d{1,2}\. \p{L}+ \d{4}–\d{1,2}\. \p{L}+ \d{4} [\d ]+,\d\d kr/u);
  expect(text).toMatch(/Legges til neste faktura [\d ]+,\d\d kr/);
  expect(text).toMatch(/Deretter koster abonnementet [\d ]+,\d\d kr per måned \(nå [\d ]+,\d\d kr\), før eventuell rabatt\./);
  expect((await live('cmd_kari')).addOns).toEqual([]);
});

test('an add-on quantity after its exact preview: Confirm sets it (POST/redirect/GET), and the next invoice bills what the preview said', async () => {
  const browser = await signedIn('cmd_ada');
  const manage = await browser.get(page('cmd_ada'));
  expect(manage.text).toContain(`action="${page('cmd_ada')}/add-ons/preview"`);
  expect(textOf(manage.text)).toContain('See what it costs');

  const preview = await browser.get(`${page('cmd_ada')}/add-ons/preview?code=extra-seat&quantity=2`);
  expect(preview.status).toBe(200);
  const text = textOf(preview.text);
  // Exactly what the API's preview of the same change says.
  const api = (await request(d.app).get('/subscriptions/cmd_ada/add-ons/extra-seat/preview?quantity=2')).body as {
    lines: { amountCents: number; periodStart: string }[];
    totalCents: number;
    recurringCentsBefore: number;
    recurringCentsAfter: number;
  };
  expect(api.lines).toHaveLength(1);
  expect(text).toContain('Change Extra seat');
  expect(text).toContain('Extra seat: from 0 to 2.');
  expect(text).toContain('Nothing to pay now.');
  expect(text).toMatch(new RegExp(`Extra seat × 2 added, \\d{1,2} \\w+ \\d{4} – \\d{1,2} \\w+ \\d{4} ${euros(api.lines[0]!.amountCents).replace('.', '\\.')}`));
  expect(text).toContain(`Added to your next invoice ${euros(api.totalCents)}`);
  expect(text).toContain(`From then on your subscription costs ${euros(api.recurringCentsAfter)} per month (now ${euros(api.recurringCentsBefore)}), before any discount.`);
  // The preview changed nothing.
  expect((await live('cmd_ada')).addOns).toEqual([]);

  const action = `${page('cmd_ada')}/add-ons`;
  const added = await browser.post(action, formFields(preview.text, action));
  expect(added.status).toBe(303);
  expect(added.headers.location).toBe(`${page('cmd_ada')}?done=addOnSet`);
  const changed = await live('cmd_ada');
  expect(changed.addOns).toEqual([expect.objectContaining({ code: 'extra-seat', quantity: 2 })]);
  expect(textOf((await browser.get(added.headers.location!)).text)).toContain('The add-on quantity is updated.');
  expect((await browser.get(page('cmd_ada'))).text).toMatch(/id="qty-extra-seat" name="quantity" min="0" max="1000" value="2"/);

  // The invoice the change goes on: the renewal carries its line, at the previewed amount.
  const charged = changed.pendingItems.at(-1)!;
  await d.advanceTo(changed.currentPeriod.end);
  const renewed = await d.until('cmd_ada', (s) => s.periodIndex === changed.periodIndex + 1 && s.latestInvoice?.status === 'paid', 'cmd_ada renewal');
  const lines = await h.db.prisma.invoiceLine.findMany({ where: { invoice: { reference: renewed.latestInvoice!.number }, kind: 'proration_charge' } });
  expect(lines.map((line) => line.amountCents)).toEqual([charged.amountCents]);
  // The same computation: identical amounts when the preview and the change fall in the same second.
  if (Math.floor(Date.parse(api.lines[0]!.periodStart) / 1000) === Math.floor(Date.parse(charged.periodStart!) / 1000)) {
    expect(lines[0]!.amountCents).toBe(api.totalCents);
  }
});

// cmd_ada's tests sign in five times, the most one address may ask for in an hour: the credit and the refusals share a sign-in.
test('the preview of fewer seats shows the credit; one refused by the rules or with a bad quantity is said on the page, and nothing changes', async () => {
  const browser = await signedIn('cmd_ada');
  const text = textOf((await browser.get(`${page('cmd_ada')}/add-ons/preview?code=extra-seat&quantity=1`)).text);
  const api = (await request(d.app).get('/subscriptions/cmd_ada/add-ons/extra-seat/preview?quantity=1')).body as { totalCents: number; recurringCentsAfter: number };
  expect(api.totalCents).toBeLessThan(0);
  expect(text).toContain('Extra seat: from 2 to 1.');
  expect(text).toMatch(/Extra seat removed, .+ -€\d+\.\d\d/);
  expect(text).toContain(`Credited on your next invoice ${euros(-api.totalCents)}`);
  expect(text).toContain(`From then on your subscription costs ${euros(api.recurringCentsAfter)} per month`);

  const refused = await browser.get(`${page('cmd_ada')}/add-ons/preview?code=extra-storage&quantity=0`);
  expect(refused.status).toBe(409);
  expect(textOf(refused.text)).toContain('That did not work Nothing was changed: the subscription has no extra-storage');
  for (const query of ['code=extra-seat&quantity=', 'code=extra-seat&quantity=1001', 'code=extra-seat&quantity=two', 'code=welcome-kit&quantity=1', 'code=gold&quantity=1']) {
    const invalid = await browser.get(`${page('cmd_ada')}/add-ons/preview?${query}`);
    expect(invalid.status).toBe(400);
    expect(textOf(invalid.text)).toContain('Enter a whole number from 0 to 1000.');
  }
  expect((await live('cmd_ada')).addOns).toEqual([expect.objectContaining({ code: 'extra-seat', quantity: 2 })]);
});

test('a coupon by its code (an unknown code is said on the page)', async () => {
  const browser = await signedIn('cmd_ada');
  const unknown = await browser.submit(page('cmd_ada'), `${page('cmd_ada')}/coupon`, { code: 'NOSUCH' });
  expect(unknown.status).toBe(400);
  expect(textOf(unknown.text)).toContain('There is no coupon with the code "NOSUCH".');
  expect((await live('cmd_ada')).discount).toBeNull();

  const applied = await browser.submit(page('cmd_ada'), `${page('cmd_ada')}/coupon`, { code: 'WELCOME20' });
  expect(applied.headers.location).toBe(`${page('cmd_ada')}?done=couponApplied`);
  expect((await live('cmd_ada')).discount).toMatchObject({ code: 'WELCOME20' });
});

test('a coupon past its limits is refused on the page, in the customer’s language, and counts no redemption', async () => {
  const admin = (body: Record<string, unknown>) => request(d.app).post('/coupons').send(body);
  expect((await admin({ code: 'PROONLY', name: '20% off Pro', percentOff: 20, duration: 'once', appliesToPlans: ['pro-monthly'] })).status).toBe(201);
  expect((await admin({ code: 'USEDUP', name: '10% off', percentOff: 10, duration: 'once', maxRedemptions: 1 })).status).toBe(201);
  await h.db.prisma.coupon.update({ where: { code: 'USEDUP' }, data: { redemptions: 1 } });

  const kari = await signedIn('cmd_kari');
  const otherPlan = await kari.submit(page('cmd_kari'), `${page('cmd_kari')}/coupon`, { code: 'PROONLY' });
  expect(otherPlan.status).toBe(409);
  expect(textOf(otherPlan.text)).toContain('Rabattkoden «PROONLY» gjelder ikke for abonnementet ditt.');
  const bob = await signedIn('cmd_bob');
  const usedUp = await bob.submit(page('cmd_bob'), `${page('cmd_bob')}/coupon`, { code: 'USEDUP' });
  expect(usedUp.status).toBe(409);
  expect(textOf(usedUp.text)).toContain('The coupon "USEDUP" has been used as many times as it can be.');
  expect((await live('cmd_bob')).discount).toBeNull();
  expect((await h.db.prisma.coupon.findMany({ where: { code: { in: ['PROONLY', 'USEDUP'] } }, orderBy: { code: 'asc' } })).map((c) => c.redemptions)).toEqual([0, 1]);
});

test('pause and resume; resuming again is refused, on the page, in the customer’s language', async () => {
  const browser = await signedIn('cmd_kari');
  const paused = await browser.submit(page('cmd_kari'), `${page('cmd_kari')}/pause`);
  expect(paused.status).toBe(303);
  expect((await live('cmd_kari')).status).toBe('paused');
  expect(textOf((await browser.get(paused.headers.location!)).text)).toContain('Abonnementet er satt på pause.');

  const form = formFields((await browser.get(page('cmd_kari'))).text, `${page('cmd_kari')}/resume`);
  expect((await browser.post(`${page('cmd_kari')}/resume`, form)).headers.location).toBe(`${page('cmd_kari')}?done=resumed`);
  expect((await live('cmd_kari')).status).toBe('active');

  const again = await browser.post(`${page('cmd_kari')}/resume`, form);
  expect(again.status).toBe(409);
  expect(textOf(again.text)).toContain('Det gikk ikke Ingenting ble endret:');
  expect((await live('cmd_kari')).status).toBe('active');
});

test('an upgrade whose prorated charge is declined (402) is said on the page, and the plan stays', async () => {
  expect((await d.post('/subscriptions/cmd_decl/payment-method', { paymentMethod: 'pm_card_declined' })).status).toBe(200);
  const browser = await signedIn('cmd_decl');
  const declined = await browser.submit(`${page('cmd_decl')}/plan?plan=pro-monthly`, `${page('cmd_decl')}/plan`);
  expect(declined.status).toBe(402);
  expect(textOf(declined.text)).toContain('That did not work The payment was declined, so nothing was changed:');
  expect((await live('cmd_decl')).plan.code).toBe('basic-monthly');
});

// A reason no retention rule answers (the seeded rule answers "too expensive": test/portal/retention.test.ts).
test('cancel at period end with a reason, said back; then uncancel', async () => {
  const browser = await signedIn('cmd_bob');
  const canceled = await browser.submit(page('cmd_bob'), `${page('cmd_bob')}/cancel`, { reason: 'missing_features' });
  expect(canceled.headers.location).toBe(`${page('cmd_bob')}?done=canceled&reason=missing_features`);
  expect((await live('cmd_bob')).cancelAtPeriodEnd).toBe(true);
  expect(textOf((await browser.get(canceled.headers.location!)).text)).toMatch(/Your subscription ends on \d{1,2} \w+ \d{4}\. Your reason: It lacks something I need\./);

  const kept = await browser.submit(page('cmd_bob'), `${page('cmd_bob')}/uncancel`);
  expect(kept.headers.location).toBe(`${page('cmd_bob')}?done=uncanceled`);
  expect((await live('cmd_bob')).cancelAtPeriodEnd).toBe(false);
});

test('a form without its CSRF token is refused (403), and nothing changes', async () => {
  const browser = await signedIn('cmd_bob');
  const fields = formFields((await browser.get(page('cmd_bob'))).text, `${page('cmd_bob')}/pause`);
  const { _csrf: _dropped, ...withoutCsrf } = fields;
  for (const form of [withoutCsrf, { ...fields, _csrf: 'forged' }]) {
    expect((await browser.post(`${page('cmd_bob')}/pause`, form)).status).toBe(403);
  }
  expect((await browser.post(`${page('cmd_bob')}/add-ons`, { code: 'extra-seat', quantity: '3' })).status).toBe(403);
  const view = await live('cmd_bob');
  expect([view.status, view.addOns]).toEqual(['active', []]);
});

test("another customer's subscription is a 404, even with a CSRF token valid for that page", async () => {
  const browser = await signedIn('cmd_bob');
  expect((await browser.get(page('cmd_ada'))).status).toBe(404);
  expect((await browser.get(`${page('cmd_ada')}/add-ons/preview?code=extra-seat&quantity=1`)).status).toBe(404);
  expect((await browser.get(`${page('cmd_ada')}/plan?plan=basic-monthly`)).status).toBe(404);
  expect((await browser.get(`${page('cmd_ada')}/payment-method`)).status).toBe(404);
  const session = await h.db.prisma.portalSession.findUniqueOrThrow({ where: { tokenHash: hashToken(browser.cookies.get('__Host-portal_session')!) } });
  const _csrf = csrfToken({ key: session.csrfSecret, subject: `session|${session.id}` }, 'subscription|cmd_ada');
  for (const [action, form] of [
    ['pause', {}],
    ['cancel', { reason: 'other' }],
    ['plan', { plan: 'basic-monthly' }],
    ['payment-method', { paymentMethod: 'pm_card_visa' }],
  ] as const) {
    expect((await browser.post(`${page('cmd_ada')}/${action}`, { _csrf, ...form })).status).toBe(404);
  }
  const view = await live('cmd_ada');
  expect([view.status, view.cancelAtPeriodEnd, view.plan.code]).toEqual(['active', false, 'pro-monthly']);
});

test('a new payment method on a past-due subscription is charged at once: still failing, then paid', async () => {
  let browser = await signedIn('cmd_due');
  const updated = await browser.submit(page('cmd_due'), `${page('cmd_due')}/payment-method`, { paymentMethod: 'pm_card_declined' });
  expect(updated.headers.location).toBe(`${page('cmd_due')}?done=paymentUpdated`);
  await d.advanceTo((await live('cmd_due')).currentPeriod.end);
  await d.until('cmd_due', (s) => s.status === 'past_due', 'cmd_due past due');
  // A month on, the session has expired: sign in again, as the customer would from the dunning email.
  browser = await signedIn('cmd_due');

  const failing = await browser.submit(page('cmd_due'), `${page('cmd_due')}/payment-method`, { paymentMethod: 'pm_card_insufficient_funds' });
  expect(failing.headers.location).toBe(`${page('cmd_due')}?done=paymentFailing`);
  expect(textOf((await browser.get(failing.headers.location!)).text)).toContain('Payment method updated, but the overdue payment still failed.');
  expect((await live('cmd_due')).status).toBe('past_due');

  const paid = await browser.submit(page('cmd_due'), `${page('cmd_due')}/payment-method`, { paymentMethod: 'pm_card_visa' });
  expect(paid.headers.location).toBe(`${page('cmd_due')}?done=paymentPaid`);
  expect(textOf((await browser.get(paid.headers.location!)).text)).toContain('Payment method updated, and the overdue payment went through.');
  expect((await live('cmd_due')).status).toBe('active');
});
