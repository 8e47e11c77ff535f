// Custom packages: a subscription created with catalogue add-ons, custom lines at a negotiated
// price and a coupon, billed from its first invoice; custom lines on a running subscription; and
// negotiated prices that no catalogue change moves.
import request from 'supertest';
import type { SubscriptionView } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await h?.teardown();
});

async function renewOnce(id: string, s: SubscriptionView): Promise<SubscriptionView> {
  await d.advanceTo(s.currentPeriod.end);
  return d.until(id, (x) => x.periodIndex === s.periodIndex + 1 && x.latestInvoice?.status === 'paid', `${id} renewal`);
}

function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

const invoiceOf = (reference: string) =>
  h.db.prisma.invoice.findUniqueOrThrow({ where: { reference }, include: { lines: { orderBy: { position: 'asc' } } } });

const linesOf = async (reference: string) => (await invoiceOf(reference)).lines.map((l) => [l.kind, l.itemName, l.amountCents, l.taxCategory]);

const support = { description: 'Dedicated support', unitAmountCents: 4_000, quantity: 1, product: 'pro', features: ['dedicated-support'], taxCategory: 'reduced_middle' };

const redemptions = async (code: string) => (await h.db.prisma.coupon.findUniqueOrThrow({ where: { code } })).redemptions;

test('a package of plan, two extra seats, a custom line and a coupon: the first invoice bills them all, discounted and taxed per line, and so does the renewal', async () => {
  const before = await redemptions('WELCOME20');
  const body = {
    id: 'pkg',
    customer: newCustomer('pkg'),
    plan: 'pro-monthly',
    paymentMethod: 'pm_card_visa',
    addOns: [{ code: 'extra-seat', quantity: 2 }],
    customLines: [support],
    coupon: 'WELCOME20',
  };
  const created = await d.create(body);
  expect(await redemptions('WELCOME20')).toBe(before + 1);
  // The same request again: the same subscription, and the coupon is not redeemed twice.
  const repeated = await request(d.app).post('/subscriptions').send(body);
  expect(repeated.status).toBe(200);
  expect(await redemptions('WELCOME20')).toBe(before + 1);
  expect(created.status).toBe('active');
  expect(created.addOns).toEqual([
    expect.objectContaining({ code: 'extra-seat', quantity: 2, unitAmountCents: 500 }),
    expect.objectContaining({
      code: 'custom-1',
      name: 'Dedicated support',
      quantity: 1,
      unitAmountCents: 4_000,
      monthlyAmountCents: 4_000,
      features: ['dedicated-support'],
      tax: { category: 'reduced_middle', inclusive: true },
      custom: { product: 'pro' },
    }),
  ]);
  expect(created.discount).toMatchObject({ code: 'WELCOME20', remainingPeriods: 2 });

  // 29.00 + 2 × 5.00 + 40.00 = 79.00, less 20% = 15.80 split by VAT category: 7.80 on the 39.00 at
  // the standard rate, 8.00 on the 40.00 at the reduced one.
  const expectedLines = [
    ['subscription', 'Pro monthly', 2_900, 'standard'],
    ['addon', 'Extra seat', 1_000, 'standard'],
    ['addon', 'Dedicated support', 4_000, 'reduced_middle'],
    ['discount', '20% off for 3 months', -780, 'standard'],
    ['discount', '20% off for 3 months', -800, 'reduced_middle'],
  ];
  const first = await invoiceOf(created.latestInvoice!.number);
  expect(await linesOf(first.reference)).toEqual(expectedLines);
  expect(first.amountCents).toBe(6_320);
  // VAT per line, rounded per line: 25% inside the standard lines, 15% inside the reduced ones.
  expect(first.lines.map((l) => l.taxCents)).toEqual([580, 200, 522, -156, -104]);
  expect(first.taxCents).toBe(1_042);
  const charge = await h.db.prisma.paymentAttempt.findFirstOrThrow({ where: { invoice: { reference: first.reference } } });
  expect(charge.amountCents).toBe(6_320);

  const renewed = await renewOnce('pkg', created);
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual(expectedLines);
  expect(renewed.latestInvoice!.amountCents).toBe(6_320);
  expect(renewed.discount).toMatchObject({ remainingPeriods: 1 });

  // The custom line's feature is an entitlement of the customer.
  const entitlements = await request(d.app).get(`/customers/${created.customer.id}/entitlements`);
  expect(entitlements.body.features).toContain('dedicated-support');
});

test('a one-time product in the package is billed once, on the first invoice', async () => {
  const created = await d.create({ id: 'pkg_kit', customer: newCustomer('pkg-kit'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa', addOns: [{ code: 'welcome-kit', quantity: 2 }] });
  expect(created.addOns).toEqual([]);
  expect(await linesOf(created.latestInvoice!.number)).toEqual([
    ['subscription', 'Basic monthly', 900, 'standard'],
    ['addon', 'Welcome kit (shipped)', 5_000, 'standard'],
  ]);
  const renewed = await renewOnce('pkg_kit', created);
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual([['subscription', 'Basic monthly', 900, 'standard']]);
});

test('a package that does not fit is refused naming each field, and writes nothing', async () => {
  await request(d.app).post('/add-ons').send({ code: 'old-seat', name: 'Old seat', kind: 'recurring', prices: { EUR: 100 } });
  expect((await request(d.app).post('/add-ons/old-seat/archive')).status).toBe(200);
  await request(d.app).post('/coupons').send({ code: 'BASICONLY', name: 'Basic only', percentOff: 10, duration: 'once', appliesToPlans: ['basic-monthly'] });
  await request(d.app).post('/coupons').send({ code: 'ONEUSE', name: 'One use', percentOff: 10, duration: 'once', maxRedemptions: 1 });

  // custom-<n> names custom lines: no catalogue add-on may take such a code.
  const taken = await request(d.app).post('/add-ons').send({ code: 'custom-1', name: 'Confusing', kind: 'recurring', prices: { EUR: 100 } });
  expect(taken.status).toBe(400);
  expect(taken.body.errors).toEqual([{ field: 'code', message: expect.stringContaining('custom lines') }]);

  const base = { customer: newCustomer('refused-pkg'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' };
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ addOns: [{ code: 'gold-bars', quantity: 1 }] }, ['addOns[0].code']],
    [{ addOns: [{ code: 'extra-seat', quantity: 1 }, { code: 'old-seat', quantity: 1 }] }, ['addOns[1].code']],
    [{ addOns: [{ code: 'extra-seat', quantity: 1 }, { code: 'extra-seat', quantity: 2 }] }, ['addOns[1].code']],
    [{ addOns: [{ code: 'gold-bars', quantity: 1 }, { code: 'api-calls', quantity: 1 }, { code: 'api-calls', quantity: 1 }] }, ['addOns[0].code', 'addOns[2].code']],
    [{ addOns: [{ code: 'api-calls', quantity: 3 }] }, ['addOns[0].quantity']],
    [{ coupon: 'BASICONLY' }, ['coupon']],
    [{ coupon: 'NOPE' }, ['coupon']],
    [{ customLines: [{ description: 'Setup', unitAmountCents: -5, quantity: 1 }] }, ['customLines.0.unitAmountCents']],
    // More than one invoice can hold: was a 503 after a minute, and a workflow retrying its first invoice for ever.
    [{ customLines: [{ description: 'Site licence', unitAmountCents: 100_000_000, quantity: 10_000 }] }, ['customLines']],
    [{ plan: 'pro-monthly-nok', coupon: 'LOYAL5', addOns: [{ code: 'old-seat', quantity: 1 }] }, ['addOns[0].code', 'coupon']],
  ];
  for (const [extra, fields] of cases) {
    const res = await request(d.app).post('/subscriptions').send({ ...base, ...extra });
    expect([extra, res.status]).toEqual([extra, 400]);
    expect([extra, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([extra, fields]);
  }
  // A custom line on a plan not billed in months or years has no monthly price to follow a change.
  const weekly = await request(d.app).post('/plans').send({ code: 'weekly-box', name: 'Weekly', product: 'basic', tier: 1, interval: { unit: 'week', count: 1 }, amountCents: 500, currency: 'EUR' });
  expect(weekly.status).toBe(201);
  const onWeekly = await request(d.app).post('/subscriptions').send({ ...base, plan: 'weekly-box', customLines: [{ description: 'Setup', unitAmountCents: 100, quantity: 1 }] });
  expect(onWeekly.status).toBe(400);
  expect(onWeekly.body.errors).toEqual([{ field: 'customLines[0]', message: expect.stringContaining('monthly or yearly plan') }]);
  expect(await h.db.prisma.customer.count({ where: { email: base.customer.email } })).toBe(0);
  expect(await redemptions('BASICONLY')).toBe(0);

  // The last redemption taken: the second package is refused (409) and its customer never written.
  await d.create({ ...base, id: 'pkg_oneuse', customer: newCustomer('one-use'), coupon: 'ONEUSE' });
  const usedUp = await request(d.app).post('/subscriptions').send({ ...base, coupon: 'ONEUSE' });
  expect(usedUp.status).toBe(409);
  expect(usedUp.body.errors).toEqual([{ field: 'coupon', message: expect.stringContaining('ONEUSE') }]);
  expect(await h.db.prisma.customer.count({ where: { email: base.customer.email } })).toBe(0);
  expect(await redemptions('ONEUSE')).toBe(1);
});

test('a custom line added mid-period: the next invoice bills the rest of the period prorated, then the line in full; set to 0, its unused part is credited', async () => {
  const created = await d.create({ id: 'pkg_mid', customer: newCustomer('pkg-mid'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  await d.advance(10 * DAY);
  const res = await d.post('/subscriptions/pkg_mid/custom-lines', { description: 'Onboarding workshops', unitAmountCents: 2_500, quantity: 2 });
  expect(res.status).toBe(200);
  const added = res.body as SubscriptionView;
  expect(added.addOns).toEqual([expect.objectContaining({ code: 'custom-1', name: 'Onboarding workshops', quantity: 2, unitAmountCents: 2_500, custom: {} })]);
  const charge = prorated(5_000, created.currentPeriod, added.pendingItems[0]!.periodStart!);
  expect(added.pendingItems).toEqual([expect.objectContaining({ kind: 'proration_charge', amountCents: charge })]);
  expect(await h.db.prisma.invoice.count({ where: { subscriptionId: 'pkg_mid' } })).toBe(1);

  const renewed = await renewOnce('pkg_mid', created);
  expect(await linesOf(renewed.latestInvoice!.number)).toEqual([
    ['subscription', 'Pro monthly', 2_900, 'standard'],
    ['addon', 'Onboarding workshops', 5_000, 'standard'],
    ['proration_charge', 'Onboarding workshops', charge, 'standard'],
  ]);

  await d.advance(10 * DAY);
  // The preview answers for a custom line as for an add-on, at its negotiated price.
  const preview = await request(d.app).get('/subscriptions/pkg_mid/add-ons/custom-1/preview').query({ quantity: 0 });
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ allowed: true, code: 'custom-1', quantityBefore: 2, quantityAfter: 0, recurringCentsBefore: 7_900, recurringCentsAfter: 2_900 });
  expect(preview.body.lines).toEqual([expect.objectContaining({ kind: 'proration_credit' })]);
  const removed = (await d.post('/subscriptions/pkg_mid/add-ons', { code: 'custom-1', quantity: 0 })).body as SubscriptionView;
  expect(removed.addOns).toEqual([]);
  const credit = prorated(5_000, renewed.currentPeriod, removed.pendingItems[0]!.periodStart!);
  const next = await renewOnce('pkg_mid', renewed);
  expect(await linesOf(next.latestInvoice!.number)).toEqual([
    ['subscription', 'Pro monthly', 2_900, 'standard'],
    ['proration_credit', 'Onboarding workshops', -credit, 'standard'],
  ]);
  // Gone: nothing left to remove.
  const again = await request(d.app).delete('/subscriptions/pkg_mid/add-ons/custom-1');
  expect(again.status).toBe(409);
  expect(again.body.detail).toBe('the subscription has no custom line custom-1');
  expect((await request(d.app).get('/subscriptions/pkg_mid/add-ons/custom-1/preview').query({ quantity: 1 })).body.detail).toBe('the subscription has no custom line custom-1');
});

test('negotiated prices survive the catalogue: a new plan price and a migration to it, and a new add-on price, leave the custom line and the seats at their price', async () => {
  const created = await d.create({
    id: 'pkg_price',
    customer: newCustomer('pkg-price'),
    plan: 'basic-monthly',
    paymentMethod: 'pm_card_visa',
    addOns: [{ code: 'extra-storage', quantity: 1 }],
    customLines: [{ description: 'Negotiated bundle', unitAmountCents: 1_200, quantity: 3 }],
  });
  expect((await request(d.app).post('/plans/basic-monthly/prices').send({ amountCents: 1_500 })).status).toBe(201);
  expect((await request(d.app).patch('/add-ons/extra-storage').send({ prices: { EUR: 700, NOK: 7_000 } })).status).toBe(200);
  const started = await request(d.app).post('/plans/basic-monthly/migrations').send({ toVersion: 2 });
  expect(started.status).toBe(202);
  await d.until('pkg_price', (s) => s.scheduledChange?.plan.priceVersion === 2, 'the migration scheduled');

  const moved = await renewOnce('pkg_price', created);
  expect(moved.plan).toMatchObject({ amountCents: 1_500, priceVersion: 2 });
  expect(moved.addOns).toEqual([
    expect.objectContaining({ code: 'extra-storage', unitAmountCents: 300 }),
    expect.objectContaining({ code: 'custom-1', unitAmountCents: 1_200, quantity: 3 }),
  ]);
  expect(await linesOf(moved.latestInvoice!.number)).toEqual([
    ['subscription', 'Basic monthly', 1_500, 'standard'],
    ['addon', 'Extra storage (100 GB)', 300, 'standard'],
    ['addon', 'Negotiated bundle', 3_600, 'standard'],
  ]);
});

test('a change to a yearly plan reprices a custom line by months, without the yearly discount the catalogue add-ons get', async () => {
  await d.create({
    id: 'pkg_yearly',
    customer: newCustomer('pkg-yearly'),
    plan: 'basic-monthly',
    paymentMethod: 'pm_card_visa',
    addOns: [{ code: 'extra-seat', quantity: 1 }],
    customLines: [{ description: 'Negotiated support', unitAmountCents: 1_000, quantity: 1 }],
  });
  const changed = await d.post('/subscriptions/pkg_yearly/plan', { plan: 'pro-yearly', when: 'now' });
  expect(changed.status).toBe(200);
  expect((changed.body as { subscription: SubscriptionView }).subscription.addOns).toEqual([
    expect.objectContaining({ code: 'extra-seat', unitAmountCents: 5_000 }),
    expect.objectContaining({ code: 'custom-1', unitAmountCents: 12_000, monthlyAmountCents: 1_000 }),
  ]);
});
