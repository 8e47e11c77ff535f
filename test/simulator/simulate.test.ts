import { simulate } from '../../simulator/run';
import { parseScenario, ScenarioError } from '../../simulator/scenario';
import { readScenario } from '../../simulator/scenario';
import { createTestDatabase } from '../support/database';

beforeAll(() => {
  // The first simulation makes its own database as `npm run simulate` does (migrated and seeded),
  // on the suite's PostgreSQL server; the others copy the suite's template, which is the same
  // schema and catalogue, and save a migration each.
  process.env.SIMULATOR_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL;
});
const onTemplate = { database: createTestDatabase };

describe('scenario validation', () => {
  const valid = { start: '2028-01-31T10:00:00Z', until: '2028-04-01T00:00:00Z', plan: 'pro-monthly', paymentMethod: 'pm_card_visa' };

  test.each([
    ['start', { start: 'last tuesday' }, 'start: must be an ISO-8601 date-time'],
    ['until', { until: '2028-01-01T00:00:00Z' }, 'until: must be after start'],
    ['paymentMethod', { paymentMethod: 'visa' }, 'paymentMethod: must be a payment method token'],
    ['timeZone', { timeZone: 'Mars/Base' }, 'timeZone: must be an IANA time zone'],
    ['an event type', { events: [{ at: '2028-02-01T00:00:00Z', type: 'teleport' }] }, 'events.0.type'],
    ['an event field', { events: [{ at: '2028-02-01T00:00:00Z', type: 'changePlan' }] }, 'events.0.plan'],
    ['an event time', { events: [{ at: '2030-01-01T00:00:00Z', type: 'uncancel' }] }, 'events.0.at: must be between start and until'],
    ['an unknown field', { colour: 'blue' }, '(scenario)'],
    ['a usage event time', { events: [{ at: '2028-02-01T00:00:00Z', type: 'usage', metric: 'api_calls', quantity: 1, occurredAt: 'yesterday' }] }, 'events.0.occurredAt: must be an ISO-8601 date-time'],
    ['a new price', { events: [{ at: '2028-02-01T00:00:00Z', type: 'changePrice', plan: 'pro-monthly', amountCents: 29.5 }] }, 'events.0.amountCents'],
    ['price above 1,000,000.00', { events: [{ at: '2028-02-01T00:00:00Z', type: 'changePrice', plan: 'pro-monthly', amountCents: 100_000_001 }] }, 'events.0.amountCents'],
    ['a migration target version', { events: [{ at: '2028-02-01T00:00:00Z', type: 'migratePlan', plan: 'pro-monthly', toVersion: 0 }] }, 'events.0.toVersion'],
    ['a plan to archive', { events: [{ at: '2028-02-01T00:00:00Z', type: 'archivePlan' }] }, 'events.0.plan'],
    ['trial on an import', { currentPeriodEnd: '2028-02-15T00:00:00Z', trialDays: 7 }, 'trialDays: an imported subscription (currentPeriodEnd) has no trial'],
    ['package on an import', { currentPeriodEnd: '2028-02-15T00:00:00Z', coupon: 'WELCOME20' }, 'coupon: an imported subscription (currentPeriodEnd) starts with its plan only'],
    ['custom line', { customLines: [{ description: 'Support', unitAmountCents: 10.5, quantity: 1 }] }, 'customLines.0.unitAmountCents'],
    ['custom line event', { events: [{ at: '2028-02-01T00:00:00Z', type: 'addCustomLine', description: 'Support', quantity: 1 }] }, 'events.0.unitAmountCents'],
  ])('a bad %s is refused with the field named', (_what, patch, message) => {
    expect(() => parseScenario({ ...valid, ...patch })).toThrow(ScenarioError);
    expect(() => parseScenario({ ...valid, ...patch })).toThrow(message);
  });

  test('times are compared as instants whatever their offsets', () => {
    // 00:00+05:00 is 19:00Z the day before: the strings sort one way, the instants the other.
    const eastern = { ...valid, start: '2028-01-01T00:00:00+05:00', until: '2027-12-31T20:00:00Z' };
    expect(parseScenario(eastern)).toMatchObject({ start: '2027-12-31T19:00:00.000Z', until: '2027-12-31T20:00:00.000Z' });
    expect(parseScenario({ ...eastern, events: [{ at: '2027-12-31T19:30:00Z', type: 'uncancel' }] }).events).toHaveLength(1);
    expect(() => parseScenario({ ...valid, until: '2028-01-31T11:30:00+02:00' })).toThrow('until: must be after start');
    expect(() => parseScenario({ ...valid, events: [{ at: '2028-01-31T11:30:00+02:00', type: 'uncancel' }] })).toThrow('events.0.at: must be between start and until');
  });

  test('every example scenario is valid', () => {
    for (const file of ['upgrade-then-cancel', 'trial-usage-upsell', 'dunning-unpaid', 'imported-then-upgrade', 'sca-and-wallet', 'metered-usage', 'monthly-box', 'custom-package']) {
      expect(readScenario(`examples/scenarios/${file}.json`).events.length).toBeGreaterThan(0);
    }
  });
});

test('a simulation runs the real workflow and returns the timeline: invoices, payments, status changes, emails, offers', async () => {
  const timeline = await simulate(
    parseScenario({
      start: '2028-01-31T10:00:00Z',
      until: '2028-05-01T00:00:00Z',
      plan: 'basic-monthly',
      paymentMethod: 'pm_card_visa',
      events: [
        { at: '2028-02-10T00:00:00Z', type: 'changePlan', plan: 'pro-monthly' },
        { at: '2028-03-05T00:00:00Z', type: 'changePlan', plan: 'pro-monthly' },
        { at: '2028-04-05T00:00:00Z', type: 'cancel', when: 'period_end' },
      ],
    }),
  );
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.status])).toEqual([
    ['2028-01-31', 'paid'],
    ['2028-02-10', 'paid'],
    ['2028-02-29', 'paid'],
    ['2028-03-31', 'paid'],
  ]);
  expect(timeline.invoices[2]).toMatchObject({ totalCents: 2900, currency: 'EUR', lines: [{ description: expect.stringContaining('Pro monthly'), amountCents: 2900 }] });
  expect(timeline.payments).toHaveLength(4);
  expect(timeline.statusChanges.map((c) => c.to)).toEqual(['incomplete', 'active', 'canceled']);
  // Canceled when the last period ended (the anchor is the start, plus the moment creating took).
  expect(timeline.statusChanges.at(-1)!.at).toBe(timeline.invoices.at(-1)!.periodEnd);
  expect(timeline.invoices.at(-1)!.periodEnd.slice(0, 16)).toBe('2028-04-30T10:00');
  expect(timeline.commands).toEqual([
    { at: '2028-02-10T00:00:00.000Z', type: 'changePlan', status: 200 },
    { at: '2028-03-05T00:00:00.000Z', type: 'changePlan', status: 409, detail: 'the subscription is already on pro-monthly' },
    { at: '2028-04-05T00:00:00.000Z', type: 'cancel', status: 200 },
  ]);
  expect(timeline.emails.map((e) => e.template)).toEqual(expect.arrayContaining(['welcome', 'receipt', 'plan_changed', 'canceled']));
  for (const at of [...timeline.payments.map((p) => p.at), ...timeline.emails.map((e) => e.at)]) {
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
});

test("a downgrade, then cancel now with a refund: the unused time is refunded with a credit note, the downgrade's credit paid out without one", async () => {
  const timeline = await simulate(
    parseScenario({
      start: '2028-01-31T10:00:00Z',
      until: '2028-03-01T00:00:00Z',
      plan: 'pro-monthly',
      paymentMethod: 'pm_card_visa',
      events: [
        { at: '2028-02-05T10:00:00Z', type: 'changePlan', plan: 'basic-monthly', when: 'now' },
        { at: '2028-02-12T10:00:00Z', type: 'cancel', when: 'now', refund: 'prorated' },
      ],
    }),
    onTemplate,
  );
  // Period Jan 31 – Feb 29, 29 days. Feb 5, 24 days left: unused Pro 2,900 × 24/29 = 2,400, Basic for
  // them 900 × 24/29 = 745, so 1,655 of credit. Feb 12, 17 days left: unused Basic 900 × 17/29 = 528.
  const [unused, credit] = timeline.refunds;
  expect(timeline.refunds).toHaveLength(2);
  expect(unused).toMatchObject({ creditNote: expect.any(String), currency: 'EUR' });
  expect(Math.abs(unused!.amountCents - 528)).toBeLessThanOrEqual(1);
  expect(credit).toMatchObject({ creditNote: null, currency: 'EUR' });
  expect(Math.abs(credit!.amountCents - 1_655)).toBeLessThanOrEqual(1);
  expect(timeline.emails.map((e) => e.template)).toContain('credit_refunded');
});

test('a scenario set in the past runs on its own calendar (leap day, month ends) and is reported in its own years', async () => {
  const timeline = await simulate(
    parseScenario({
      start: '2024-01-31T10:00:00Z',
      until: '2024-04-02T00:00:00Z',
      plan: 'basic-monthly',
      paymentMethod: 'pm_card_visa',
      events: [{ at: '2024-03-15T00:00:00Z', type: 'changePlan', plan: 'pro-monthly', when: 'now' }],
    }),
    onTemplate,
  );
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.periodEnd.slice(0, 10), i.status])).toEqual([
    ['2024-01-31', '2024-02-29', 'paid'],
    ['2024-02-29', '2024-03-31', 'paid'],
    ['2024-03-15', '2024-03-31', 'paid'],
    ['2024-03-31', '2024-04-30', 'paid'],
  ]);
  expect(timeline.invoices[2]!.lines.map((line) => line.description)).toEqual([expect.stringContaining('2024-03-15 – 2024-03-31'), expect.stringContaining('2024-03-15 – 2024-03-31')]);
  expect(timeline.commands).toEqual([{ at: '2024-03-15T00:00:00.000Z', type: 'changePlan', status: 200 }]);
  // Nothing of the cycle it ran in shows.
  expect(JSON.stringify(timeline)).not.toMatch(/24\d\d-\d\d-\d\d/);
});

test('an imported scenario charges nothing for the period paid elsewhere, credits its unused time on an upgrade, then renews on its calendar', async () => {
  const timeline = await simulate(
    parseScenario({
      start: '2028-01-20T09:00:00Z',
      until: '2028-03-15T00:00:00Z',
      plan: 'pro-monthly',
      currentPeriodEnd: '2028-01-31T00:00:00Z',
      paymentMethod: 'pm_card_visa',
      events: [{ at: '2028-01-25T00:00:00Z', type: 'changePlan', plan: 'business-monthly', when: 'now' }],
    }),
    onTemplate,
  );
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.periodEnd.slice(0, 10), i.totalCents])).toEqual([
    // Jan 25 → 31 of the paid period (Dec 31 → Jan 31): 6 of 31 days, Pro credited, Business charged.
    ['2028-01-25', '2028-01-31', Math.round((9900 * 6) / 31) - Math.round((2900 * 6) / 31)],
    ['2028-01-31', '2028-02-29', 9900],
    ['2028-02-29', '2028-03-31', 9900],
  ]);
  expect(timeline.invoices[0]!.lines.map((line) => line.amountCents)).toEqual([-Math.round((2900 * 6) / 31), Math.round((9900 * 6) / 31)]);
  expect(timeline.statusChanges.map((c) => [c.from, c.to])).toEqual([[null, 'active']]);
  expect(timeline.emails.map((e) => e.template)).toEqual(['plan_changed', 'receipt', 'receipt', 'receipt']);
});

test('payments in flight: 3-D Secure confirmed, a wallet charge settled a day later, actions never taken run dunning out', async () => {
  const timeline = await simulate(readScenario('examples/scenarios/sca-and-wallet.json'), onTemplate);
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.status])).toEqual([
    ['2028-01-10', 'paid'],
    ['2028-02-10', 'paid'],
    ['2028-03-10', 'void'],
  ]);
  // Paid when the customer confirmed, and when the wallet settled: not when they were asked.
  expect(timeline.invoices[0]!.paidAt!.slice(0, 16)).toBe('2028-01-10T11:00');
  expect(timeline.invoices[1]!.paidAt!.slice(0, 16)).toBe('2028-02-11T09:00');
  expect(timeline.statusChanges.map((c) => c.to)).toEqual(['incomplete', 'active', 'past_due', 'canceled']);
  expect(timeline.emails.map((e) => e.template)).toContain('payment_action_required');
  expect(timeline.commands.filter((c) => c.type === 'settlePayment').map((c) => c.status)).toEqual([200, 200]);
});

test('metered usage: events counted once by id, graduated and volume tiers in arrears on the renewal, then a new price version reached by a migration; entitlements at the end', async () => {
  const example = readScenario('examples/scenarios/metered-usage.json');
  const refused = parseScenario({
    ...example,
    events: [
      ...example.events,
      { at: '2028-03-04T00:00:00Z', type: 'migratePlan', plan: 'pro-monthly', toVersion: 9 },
      { at: '2028-03-04T00:00:00Z', type: 'changePrice', plan: 'no-such-plan', amountCents: 100 },
      { at: '2028-03-04T00:00:00Z', type: 'usage', metric: 'API calls', quantity: 1 },
    ],
  });
  const timeline = await simulate(refused, onTemplate);
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.totalCents, i.status])).toEqual([
    ['2028-01-31', 2900, 'paid'],
    ['2028-02-29', 5100, 'paid'],
    // Migrated at renewal to price version 2.
    ['2028-03-31', 3900, 'paid'],
  ]);
  // 12,000 calls (the repeated calls-feb-1 counted once): 1,000 included, 9,000 × 0.2 cents, 2,000 × 0.1 cents.
  // 7 distinct users (u1 twice): 5 included, 2 at the 1 EUR of the tier the count reaches.
  expect(timeline.invoices[1]!.lines.map((l) => [l.description.split(':')[0], l.amountCents])).toEqual([
    ['Pro monthly (month), 2028-02-29 – 2028-03-31', 2900],
    ['API calls', 2000],
    ['Active users', 200],
  ]);
  expect(timeline.invoices[1]!.lines[1]!.description).toContain('12,000 (1–1,000 included; 1,001–10,000 × 0.002 EUR; 10,001–12,000 × 0.001 EUR)');
  expect(timeline.commands.filter((c) => c.type === 'usage').map((c) => c.status)).toEqual([202, 200, 202, 202, 202, 202, 202, 202, 202, 202, 202, 400]);
  // What the customer's own app would read at the end: the plan's features and quotas, the metered add-ons' metrics.
  expect(timeline.entitlements).toEqual({
    features: expect.arrayContaining(['api', 'priority-support']),
    limits: expect.objectContaining({ seats: 10, api_calls: 0, active_users: 0 }),
  });
  expect(timeline.commands.slice(-6).map((c) => [c.type, c.status])).toEqual([
    ['changePrice', 201],
    ['migratePlan', 202],
    ['archivePlan', 200],
    ['migratePlan', 400],
    ['changePrice', 404],
    ['usage', 400],
  ]);
});

test('a shipping add-on: the address changed, a skipped delivery not billed, and a skip after the cut-off refused', async () => {
  const timeline = await simulate(readScenario('examples/scenarios/monthly-box.json'), onTemplate);
  // The box (15 EUR a month) is first prorated from Feb 1, then billed each period but the skipped one.
  expect(timeline.invoices.map((i) => [i.periodStart.slice(0, 10), i.totalCents])).toEqual([
    ['2028-01-31', 900],
    ['2028-02-29', 3870],
    ['2028-03-31', 900],
    ['2028-04-30', 2400],
  ]);
  // The skipped period shows the box and its credit, netting to nothing.
  expect(timeline.invoices[2]!.lines.map((l) => [l.description, l.amountCents])).toEqual([
    [expect.stringMatching(/^Basic monthly/), 900],
    ['Monthly box (shipped), 2028-03-31 – 2028-04-30', 1500],
    ['Delivery skipped: Monthly box (shipped), 2028-03-31 – 2028-04-30', -1500],
  ]);
  expect(timeline.commands.map((c) => [c.type, c.status])).toEqual([
    ['addAddOn', 200],
    ['changeDeliveryAddress', 200],
    ['skipDelivery', 200],
    ['skipDelivery', 409],
  ]);
  expect(timeline.commands[3]!.detail).toMatch(/the delivery for the period starting 2028-04-30 is final/);
});

test("a custom package: seats, a custom line at its own VAT rate and a coupon from the first invoice; a custom line added and removed; a price migration (to the plan's current price version, none named) that leaves negotiated prices alone", async () => {
  const timeline = await simulate(readScenario('examples/scenarios/custom-package.json'), onTemplate);
  expect(timeline.commands.map((c) => [c.type, c.status])).toEqual([
    ['addCustomLine', 200],
    ['changePrice', 201],
    ['migratePlan', 202],
    ['removeAddOn', 200],
  ]);
  const amounts = (index: number) => timeline.invoices[index]!.lines.map((l) => l.amountCents);
  // 29 + 10 + 40, less 20% split per VAT category.
  expect(amounts(0)).toEqual([2900, 1000, 4000, -780, -800]);
  // The workshops (2 × 25.00) join, discounted too, with the 15 of 29 days before the renewal prorated.
  expect(amounts(1)).toEqual([2900, 1000, 4000, 5000, -1780, -800, Math.round((5000 * 15) / 29)]);
  // The plan's new price version; the seats and the support line keep theirs; the workshops' unused
  // 16 days 10 hours of 31 are credited at what was paid for them (20% off).
  expect(amounts(2).slice(0, 5)).toEqual([3900, 1000, 4000, -980, -800]);
  expect(amounts(2)[5]).toBe(-Math.round((5000 * 0.8 * (16 * 24 + 10)) / (31 * 24)));
  expect(timeline.invoices.map((i) => i.status)).toEqual(['paid', 'paid', 'paid']);
  expect(timeline.entitlements?.features).toContain('dedicated-support');
});
