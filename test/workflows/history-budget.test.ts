// What a billing period costs in history: a monthly renewal stays within 19 events, because a
// step's emails are written with its projection in one local activity (recordStep), which also
// asks the upsell rules, and that is told to every continued run by its input, not by a patch
// marker repeated each period.
import type { temporal } from '@temporalio/proto';
import { fetchRunChain } from '../../simulator/histories';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';
import { localActivities } from '../support/local-activities';
import type { Driver } from '../support/lifecycle';
import { DAY, driver, newCustomer } from '../support/lifecycle';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

const patchMarkers = (events: HistoryEvent[]) => events.filter((event) => event.markerRecordedEventAttributes?.details?.['patch-data']).length;

test('a monthly renewal is at most 19 history events: its receipt is queued with the projection write, and the upsell rules asked after it, in one local activity', async () => {
  const created = await d.create({ id: 'budget', customer: newCustomer('budget'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  expect(created.status).toBe('active');
  await d.advance(95 * DAY);
  await d.until('budget', (s) => s.stats.paidPeriods === 4, 'four paid periods');

  const runs = (await fetchRunChain(h.env.client.workflow, 'subscription-budget')).map((run) => run.history.events ?? []);
  expect(runs.length).toBeGreaterThanOrEqual(4);
  // The first run decides once, with its patch markers (batched writes; offers asked in the step's
  // write; a fired timer runs its step; the opening written with the first invoice); the runs it
  // continued into are told by their input.
  expect(patchMarkers(runs[0]!)).toBe(4);
  // The opening projection goes with the first invoice: no local activity of its own before the first charge.
  expect(localActivities(runs[0]!).slice(0, 2)).toEqual(['issueInvoice', 'recordStep']);
  const statuses = await h.db.prisma.statusChange.findMany({ where: { subscriptionId: 'budget' }, orderBy: { version: 'asc' }, take: 2 });
  expect(statuses.map((change) => [change.from, change.to])).toEqual([
    [null, 'incomplete'],
    ['incomplete', 'active'],
  ]);
  // Every finished renewal run: started, asleep until renewal, billed, continued as new.
  for (const run of runs.slice(1, -1)) {
    expect(run.length).toBeLessThanOrEqual(19);
    expect(patchMarkers(run)).toBe(0);
    expect(localActivities(run)).toEqual(['issueInvoice', 'recordStep']);
  }
  const separate = localActivities(runs.flat());
  expect(separate.filter((type) => type === 'queueEmail' || type === 'evaluateOffers' || type === 'recordOffer')).toEqual([]);
  // The emails were written all the same: the welcome email and a receipt per paid invoice.
  const emails = await h.db.prisma.emailMessage.findMany({ where: { to: 'budget@example.com' }, select: { template: true } });
  expect(emails.map((email) => email.template).sort()).toEqual(['receipt', 'receipt', 'receipt', 'receipt', 'welcome']);
});
