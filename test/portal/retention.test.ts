// Retention offers in the portal, against the real workflow and the seeded rule too-expensive-stay
// (prisma/offer-rules.json: after a paid renewal, "too expensive" is offered 30% off the current
// plan for 3 periods). Asking to cancel with that reason shows "Before you go" and changes nothing;
// Accept and stay discounts the next renewals; Cancel anyway cancels at period end; one answer per
// rule per cooldown; other reasons cancel at once; forms need their CSRF token and their own
// subscription. The page in Norwegian, and a lower_tier rule (added through the API) at the end.
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

const SUBSCRIPTIONS = ['ret_stay', 'ret_leave', 'ret_other', 'ret_csrf', 'ret_kari'] as const;
const NORWEGIAN_PROFILE = { legalName: 'Kari Nordmann', kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' }, language: 'nb' };

/** Moves time to the end of the period the subscriptions share, and waits until each has paid its `paidPeriods`th period. */
async function renewAll(paidPeriods: number): Promise<void> {
  await d.advanceTo((await d.get('ret_stay')).currentPeriod.end);
  for (const id of SUBSCRIPTIONS) await d.until(id, (s) => s.stats.paidPeriods === paidPeriods, `${id} renewed and paid`);
}

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  d = driver(h, testApp(h));
  for (const id of SUBSCRIPTIONS.filter((id) => id !== 'ret_kari')) {
    await d.create({ id, customer: newCustomer(id), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  }
  await d.create({ id: 'ret_kari', customer: { ...newCustomer('ret_kari'), billingProfile: NORWEGIAN_PROFILE }, plan: 'basic-monthly-nok', paymentMethod: 'pm_card_visa' });
  // The seeded rule asks for a paid renewal.
  await renewAll(2);
});
afterAll(async () => {
  await h?.teardown();
});

const live = (id: string) => querySubscription(h, `subscription-${id}`);
const page = (id: string) => `/portal/subscriptions/${id}`;

async function signedIn(name: string): Promise<Browser> {
  const browser = new Browser(app);
  await signIn(h, browser, `${name}@example.com`);
  return browser;
}

/** Asks to cancel with `reason` from the subscription's page. */
const askToCancel = (browser: Browser, id: string, reason: string) => browser.submit(page(id), `${page(id)}/cancel`, { reason });

test('"too expensive" after a paid renewal shows Before you go with the price during and after the discount, and changes nothing', async () => {
  const browser = await signedIn('ret_stay');
  const offered = await askToCancel(browser, 'ret_stay', 'too_expensive');
  expect(offered.status).toBe(200);
  const text = textOf(offered.text);
  expect(text).toContain('Before you go');
  expect(text).toContain('Your reason: It is too expensive.');
  expect(text).toContain('Stay, and get 30% off Basic monthly for your next 3 billing periods.');
  expect(text).toContain('Next 3 billing periods €6.30 per month');
  expect(text).toContain('After that €9.00 per month');
  expect(formFields(offered.text, `${page('ret_stay')}/retention/accept`)).toMatchObject({ rule: 'too-expensive-stay', reason: 'too_expensive' });
  const view = await live('ret_stay');
  expect([view.cancelAtPeriodEnd, view.discount]).toEqual([false, null]);
  expect(await h.db.prisma.retentionAnswer.count({ where: { subscriptionId: 'ret_stay' } })).toBe(0);
});

test('Accept and stay applies the discount: the subscription is not canceling and the next renewal invoice is 30% off', async () => {
  const browser = await signedIn('ret_stay');
  const offered = await askToCancel(browser, 'ret_stay', 'too_expensive');
  const accepted = await browser.post(`${page('ret_stay')}/retention/accept`, formFields(offered.text, `${page('ret_stay')}/retention/accept`));
  expect(accepted.status).toBe(303);
  expect(accepted.headers.location).toBe(`${page('ret_stay')}?done=retained`);
  const manage = textOf((await browser.get(accepted.headers.location!)).text);
  expect(manage).toContain('Thank you for staying. Your discount applies from your next invoice.');
  expect(manage).toContain('Active discount: 30% off Basic monthly for 3 periods.');

  const view = await live('ret_stay');
  expect(view.cancelAtPeriodEnd).toBe(false);
  expect(view.discount).toMatchObject({ code: 'retention-too-expensive-stay', percentOff: 30, remainingPeriods: 3 });
  expect(await h.db.prisma.retentionAnswer.findMany({ where: { subscriptionId: 'ret_stay' }, select: { ruleId: true, outcome: true, reason: true } })).toEqual([
    { ruleId: 'too-expensive-stay', outcome: 'accepted', reason: 'too_expensive' },
  ]);

  await renewAll(3);
  const renewed = await live('ret_stay');
  const invoice = await h.db.prisma.invoice.findUniqueOrThrow({ where: { reference: renewed.latestInvoice!.number }, include: { lines: true } });
  expect(invoice.lines.find((line) => line.kind === 'discount')).toMatchObject({ amountCents: -270, description: 'Discount: 30% off Basic monthly for 3 periods' });
  expect(renewed.discount).toMatchObject({ remainingPeriods: 2 });
  expect(renewed.cancelAtPeriodEnd).toBe(false);
});

test('Cancel anyway cancels at period end and says the reason back; within the cooldown a second cancel gets no offer', async () => {
  const browser = await signedIn('ret_leave');
  const offered = await askToCancel(browser, 'ret_leave', 'too_expensive');
  expect(textOf(offered.text)).toContain('Before you go');
  const canceled = await browser.post(`${page('ret_leave')}/retention/decline`, formFields(offered.text, `${page('ret_leave')}/retention/decline`));
  expect(canceled.headers.location).toBe(`${page('ret_leave')}?done=canceled&reason=too_expensive`);
  const leaving = await live('ret_leave');
  expect([leaving.cancelAtPeriodEnd, leaving.discount]).toEqual([true, null]);
  expect(textOf((await browser.get(canceled.headers.location!)).text)).toMatch(/Your subscription ends on \d{1,2} \w+ \d{4}\. Your reason: It is too expensive\./);
  expect(await h.db.prisma.retentionAnswer.findMany({ where: { subscriptionId: 'ret_leave' }, select: { ruleId: true, outcome: true } })).toEqual([{ ruleId: 'too-expensive-stay', outcome: 'declined' }]);

  // Changed their mind, then asks again: the rule answered within its cooldown, so the cancel goes ahead.
  expect((await browser.submit(page('ret_leave'), `${page('ret_leave')}/uncancel`)).status).toBe(303);
  const again = await askToCancel(browser, 'ret_leave', 'too_expensive');
  expect(again.status).toBe(303);
  expect(again.headers.location).toBe(`${page('ret_leave')}?done=canceled&reason=too_expensive`);
  expect((await live('ret_leave')).cancelAtPeriodEnd).toBe(true);
});

test('another reason, or a subscription without a paid renewal, cancels at once with no offer', async () => {
  const browser = await signedIn('ret_other');
  const canceled = await askToCancel(browser, 'ret_other', 'not_using');
  expect(canceled.status).toBe(303);
  expect(canceled.headers.location).toBe(`${page('ret_other')}?done=canceled&reason=not_using`);
  expect((await live('ret_other')).cancelAtPeriodEnd).toBe(true);

  await d.create({ id: 'ret_new', customer: newCustomer('ret_new'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  const fresh = await signedIn('ret_new');
  const freshCanceled = await askToCancel(fresh, 'ret_new', 'too_expensive');
  expect(freshCanceled.headers.location).toBe(`${page('ret_new')}?done=canceled&reason=too_expensive`);
  expect(await h.db.prisma.retentionAnswer.count({ where: { subscriptionId: { in: ['ret_other', 'ret_new'] } } })).toBe(0);
});

test('an offer the rules no longer make is not applied: a forged rule is said on the page, and nothing changes', async () => {
  const browser = await signedIn('ret_csrf');
  const offered = await askToCancel(browser, 'ret_csrf', 'too_expensive');
  const fields = formFields(offered.text, `${page('ret_csrf')}/retention/accept`);
  for (const forged of [{ ...fields, rule: 'seats-next-tier' }, { ...fields, reason: 'other' }]) {
    const refused = await browser.post(`${page('ret_csrf')}/retention/accept`, forged);
    expect(refused.status).toBe(409);
    expect(textOf(refused.text)).toContain('Nothing was changed: This offer is no longer available.');
  }
  const view = await live('ret_csrf');
  expect([view.cancelAtPeriodEnd, view.discount]).toEqual([false, null]);
});

test('a form without its CSRF token is refused (403), and nothing changes', async () => {
  const browser = await signedIn('ret_csrf');
  const offered = await askToCancel(browser, 'ret_csrf', 'too_expensive');
  for (const action of ['accept', 'decline']) {
    const { _csrf: _dropped, ...withoutCsrf } = formFields(offered.text, `${page('ret_csrf')}/retention/${action}`);
    expect((await browser.post(`${page('ret_csrf')}/retention/${action}`, withoutCsrf)).status).toBe(403);
  }
  expect((await browser.post(`${page('ret_csrf')}/cancel`, { reason: 'too_expensive' })).status).toBe(403);
  const view = await live('ret_csrf');
  expect([view.cancelAtPeriodEnd, view.discount]).toEqual([false, null]);
  expect(await h.db.prisma.retentionAnswer.count({ where: { subscriptionId: 'ret_csrf' } })).toBe(0);
});

test("another customer's subscription is a 404, even with a CSRF token valid for that page", async () => {
  const browser = await signedIn('ret_csrf');
  const session = await h.db.prisma.portalSession.findUniqueOrThrow({ where: { tokenHash: hashToken(browser.cookies.get('__Host-portal_session')!) } });
  const _csrf = csrfToken({ key: session.csrfSecret, subject: `session|${session.id}` }, 'subscription|ret_other');
  for (const action of ['cancel', 'retention/accept', 'retention/decline']) {
    expect((await browser.post(`${page('ret_other')}/${action}`, { _csrf, rule: 'too-expensive-stay', reason: 'too_expensive' })).status).toBe(404);
  }
  expect((await live('ret_other')).discount).toBeNull();
});

test('in Norwegian: Før du går, with the prices in kroner, and Godta og bli', async () => {
  const browser = await signedIn('ret_kari');
  const offered = await askToCancel(browser, 'ret_kari', 'too_expensive');
  const text = textOf(offered.text);
  expect(text).toContain('Før du går');
  expect(text).toContain('Din grunn: Det er for dyrt.');
  expect(text).toContain('Bli, og få 30 % rabatt på Basic monthly de neste 3 faktureringsperiodene.');
  expect(text).toContain('De neste 3 faktureringsperiodene 69,30 kr per måned');
  expect(text).toContain('Deretter 99,00 kr per måned');
  const accepted = await browser.post(`${page('ret_kari')}/retention/accept`, formFields(offered.text, `${page('ret_kari')}/retention/accept`));
  expect(textOf((await browser.get(accepted.headers.location!)).text)).toContain('Takk for at du blir. Rabatten gjelder fra neste faktura.');
});

test('a lower_tier rule moves the plan down at period end with its discount', async () => {
  const rule = {
    description: 'Switching away from Pro: Basic at 50% off for 1 period',
    enabled: true,
    priority: 50,
    moment: 'cancel',
    when: [{ fact: 'cancelReason', in: ['switching'] }, { fact: 'product', equals: 'pro' }],
    offer: { target: { kind: 'lower_tier' }, percentOff: 50, discountPeriods: 1, expiresInDays: 1 },
    cooldownDays: 30,
  };
  expect((await request(d.app).put('/offer-rules/test-switching-down').send(rule)).status).toBe(200);
  try {
    await d.create({ id: 'ret_down', customer: newCustomer('ret_down'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
    const browser = await signedIn('ret_down');
    const offered = await askToCancel(browser, 'ret_down', 'switching');
    const text = textOf(offered.text);
    expect(text).toMatch(/Move to Basic monthly on \d{1,2} \w+ \d{4} instead, with 50% off your first billing period on it\./);
    expect(text).toContain('Next billing period €4.50 per month');
    expect(text).toContain('After that €9.00 per month');
    const accepted = await browser.post(`${page('ret_down')}/retention/accept`, formFields(offered.text, `${page('ret_down')}/retention/accept`));
    expect(accepted.headers.location).toBe(`${page('ret_down')}?done=retainedLower`);
    expect(textOf((await browser.get(accepted.headers.location!)).text)).toMatch(/Thank you for staying\. Your plan changes to Basic monthly on \d{1,2} \w+ \d{4}\./);
    const view = await live('ret_down');
    expect(view).toMatchObject({ cancelAtPeriodEnd: false, plan: { code: 'pro-monthly' }, scheduledChange: { plan: { code: 'basic-monthly' } }, discount: { percentOff: 50, remainingPeriods: 1 } });
  } finally {
    await request(d.app).put('/offer-rules/test-switching-down').send({ ...rule, enabled: false });
  }
});
