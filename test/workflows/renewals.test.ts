import { periodBoundary } from '../../domain/calendar';
import type { Harness } from '../support/harness';
import { eventually, querySubscription, startHarness } from '../support/harness';
import { plan, skipTo, startSubscription } from '../support/fixtures';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

const proMonthly = plan('pro-monthly');

test('twelve monthly renewals bill twelve paid invoices with twelve successful charges', async () => {
  const subscriptionId = 'sub_twelve';
  const handle = await startSubscription(h, subscriptionId, { plan: proMonthly });
  const opened = await eventually(() => querySubscription(h, handle.workflowId), (s) => s.latestInvoice?.status === 'paid', 'first invoice paid');
  const anchor = opened.anchor;

  // Move to one day past the start of the 12th period (index 11).
  await skipTo(h, periodBoundary(anchor, proMonthly.interval, 11).getTime() + 86_400_000);
  const state = await eventually(
    () => querySubscription(h, handle.workflowId),
    (s) => s.periodIndex === 11 && s.latestInvoice?.status === 'paid',
    'period 11 paid',
  );

  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId }, orderBy: { periodIndex: 'asc' } });
  expect(invoices).toHaveLength(12);
  expect(invoices.every((invoice) => invoice.status === 'paid' && invoice.amountCents === proMonthly.amountCents)).toBe(true);
  expect(invoices.map((invoice) => invoice.periodIndex)).toEqual([...Array(12).keys()]);
  const charges = await h.db.prisma.sandboxCharge.findMany({ where: { reference: { in: invoices.map((i) => i.reference) } } });
  expect(charges).toHaveLength(12);
  expect(charges.every((charge) => charge.outcome === 'succeeded')).toBe(true);
  const attempts = await h.db.prisma.paymentAttempt.count({ where: { outcome: 'succeeded', invoice: { subscriptionId } } });
  expect(attempts).toBe(12);

  console.log(`history per period: last run ${state.runs.lastHistoryLength} events, largest ${state.runs.maxHistoryLength}, runs ${state.runs.count}`);
  expect(state.runs.count).toBe(12);
  expect(state.runs.maxHistoryLength).toBeLessThan(60);
});
