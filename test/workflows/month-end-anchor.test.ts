import type { Harness } from '../support/harness';
import { eventually, querySubscription, startHarness } from '../support/harness';
import { skipTo, startSubscription } from '../support/fixtures';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.teardown();
});

test('a subscription anchored on Jan 31 renews on Feb 29 2028, then on Mar 31', async () => {
  await skipTo(h, '2028-01-31T10:00:00Z');
  const handle = await startSubscription(h, 'month_end');
  const first = await eventually(() => querySubscription(h, handle.workflowId), (s) => s.latestInvoice?.status === 'paid', 'first invoice');
  expect(first.anchor.slice(0, 13)).toBe('2028-01-31T10');

  await skipTo(h, new Date(new Date(first.anchor).getTime() + 61 * 86_400_000)); // into April
  await eventually(() => querySubscription(h, handle.workflowId), (s) => s.periodIndex === 2 && s.latestInvoice?.status === 'paid', 'third invoice');

  const invoices = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'month_end' }, orderBy: { periodIndex: 'asc' } });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  expect(invoices.map((invoice) => [day(invoice.periodStart), day(invoice.periodEnd)])).toEqual([
    ['2028-01-31', '2028-02-29'],
    ['2028-02-29', '2028-03-31'],
    ['2028-03-31', '2028-04-30'],
  ]);
  // Each renewal was charged at its period start, in workflow time.
  expect(invoices.map((invoice) => day(invoice.paidAt!))).toEqual(['2028-01-31', '2028-02-29', '2028-03-31']);
});
