// The fuzz's books oracle (simulator/fuzz/invariants.ts periodMoney): what was paid for each period's
// service and what went back for it, read from invoice rows alone; and givenBackVanished, which
// holds the workflow's own account of the paid period to those books.
import { SKIPPED_DELIVERY } from '../../domain/deliveries';
import type { InvoiceLineDraft } from '../../domain/invoice';
import type { InvoiceWithLines } from '../../simulator/fuzz/invariants';
import { givenBackVanished, periodMoney, strandedCredit } from '../../simulator/fuzz/invariants';

const MAY = { start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-06-01T00:00:00Z') };
const JUNE = { start: MAY.end, end: new Date('2026-07-01T00:00:00Z') };

let lineId = 0;
function line(kind: string, amountCents: number, description: string, span: { start: Date; end: Date }) {
  lineId += 1;
  return { id: `line-${lineId}`, invoiceId: '', position: lineId, kind, description, quantity: 1, amountCents, periodStart: span.start, periodEnd: span.end, itemName: null, taxCategory: null, vatCategory: null, taxRateBasisPoints: null, netCents: null, taxCents: null };
}

function invoice(number: string, periodIndex: number, span: { start: Date; end: Date }, status: InvoiceWithLines['status'], lines: ReturnType<typeof line>[]): InvoiceWithLines {
  const total = lines.reduce((sum, l) => sum + l.amountCents, 0);
  return { id: number, reference: number, number, sequence: 0, dueDate: null, subscriptionId: 's', customerId: 'c', periodIndex, billingReason: 'subscription_cycle', periodStart: span.start, periodEnd: span.end, currency: 'EUR', subtotalCents: total, netCents: total, taxCents: 0, amountCents: Math.max(0, total), creditAppliedCents: 0, taxTreatment: null, document: null, status, paidAt: null, createdAt: span.start, updatedAt: span.start, lines } as InvoiceWithLines;
}

const may = invoice('1', 1, MAY, 'paid', [line('subscription', 1_500, 'Basic, May', MAY)]);
const juneWithSkippedBox = (status: InvoiceWithLines['status']) =>
  invoice('2', 2, JUNE, status, [
    line('subscription', 1_500, 'Basic, June', JUNE),
    line('addon', 1_500, 'Monthly box (shipped), June', JUNE),
    line('proration_credit', -1_500, `${SKIPPED_DELIVERY}Monthly box (shipped), June`, JUNE),
  ]);

test("a skipped delivery's credit on a renewal never paid gives nothing back: it only takes the box out of that invoice", () => {
  const money = periodMoney([may, juneWithSkippedBox('uncollectible')], [], [], 0);
  expect(money.get(2)?.returned ?? 0).toBe(0);
  expect(money.get(2)?.paid ?? 0).toBe(0);
});

test("a skipped delivery's credit on a paid renewal nets the box out of what the period paid", () => {
  const money = periodMoney([may, juneWithSkippedBox('paid')], [], [], 0);
  expect(money.get(2)).toMatchObject({ paid: 1_500, returned: 0 });
});

test('unused-time credit on an unpaid invoice still counts as given back for the paid period it is about', () => {
  const planChange = invoice('3', 2, { start: new Date('2026-05-16T00:00:00Z'), end: new Date('2027-05-16T00:00:00Z') }, 'open', [
    line('proration_credit', -750, 'Unused time on Basic', { start: new Date('2026-05-16T00:00:00Z'), end: MAY.end }),
  ]);
  const money = periodMoney([may, planChange], [], [], 0);
  expect(money.get(1)).toMatchObject({ paid: 1_500, returned: 750 });
});

describe('givenBackVanished: what the workflow gave back for its paid period is in the books or still waiting', () => {
  const FULL = { paid: 1, list: 1 };
  const mayAccount = (returnedCents: number) => ({
    account: { periodIndex: 1, paidCents: 1_500, returnedCents, rates: { plan: FULL, addOns: FULL }, charges: [{ invoiceNumber: '1', amountCents: 1_500, refundedCents: 0 }] },
    periodIndex: 1,
    currentPeriod: { start: MAY.start.toISOString(), end: MAY.end.toISOString() },
    pendingItems: [] as InvoiceLineDraft[],
  });
  const removalCredit: InvoiceLineDraft = { kind: 'proration_credit', description: 'Extra seat × 2 removed', quantity: 2, amountCents: -500, periodStart: '2026-05-16T00:00:00.000Z', periodEnd: MAY.end.toISOString() };

  test('a credit the workflow gave back that reached no invoice and waits for none is reported (a subscription that ended with it dropped)', () => {
    expect(givenBackVanished(mayAccount(500), periodMoney([may], [], [], 0))).toBe('period 1: the workflow gave back 500, the books show 0 (nothing) and 0 waits for the next invoice');
  });

  test('the same credit on an invoice, or still waiting for the next one, is accounted for', () => {
    const final = invoice('2', 1, MAY, 'paid', [line('proration_credit', -500, 'Extra seat × 2 removed', MAY)]);
    expect(givenBackVanished(mayAccount(500), periodMoney([may, final], [], [], 0))).toBeNull();
    expect(givenBackVanished({ ...mayAccount(500), pendingItems: [removalCredit] }, periodMoney([may], [], [], 0))).toBeNull();
  });
});

describe('strandedCredit: account credit does not outlive its subscription (amount rules 4)', () => {
  const paid = (amountCents: number, refunded: number[] = [], disputed = false, paidOut: number[] = []) => ({
    status: 'paid',
    amountCents,
    attempts: [{ outcome: 'succeeded' }],
    creditNotes: refunded.map((amount) => ({ amountCents: amount })),
    creditPayouts: paidOut.map((amount) => ({ amountCents: amount })),
    disputes: disputed ? [{}] : [],
  });
  const ended = (creditBalanceCents: number, rules = 4) => ({ rules, endedAt: '2026-06-01T00:00:00.000Z', creditBalanceCents });
  const refundedEntry = (amountCents: number) => ({ cause: 'refunded', amountCents: -amountCents });

  test('an ended subscription with credit left while its charges could take it back is flagged', () => {
    expect(strandedCredit(ended(516), [], [], [paid(2_900)])).toBe('ended with 516 of account credit while its charges could still take 2900 back');
  });

  test('credit left when the charges are refunded in full, disputed, or never paid by card is not', () => {
    expect(strandedCredit(ended(516), [], [], [paid(2_900, [2_900])])).toBeNull();
    expect(strandedCredit(ended(516), [], [], [paid(2_900, [1_000], false, [1_900])])).toBeNull();
    expect(strandedCredit(ended(516), [], [], [paid(2_900, [], true)])).toBeNull();
    expect(strandedCredit(ended(516), [], [], [])).toBeNull();
  });

  test('a subscription canceled now without a refund keeps its credit by that choice', () => {
    expect(strandedCredit(ended(516), [], [], [paid(2_900)], true)).toBeNull();
  });

  test('a running subscription keeps its credit, and so do those started under rules before 4', () => {
    expect(strandedCredit({ ...ended(516), endedAt: null }, [], [], [paid(2_900)])).toBeNull();
    expect(strandedCredit(ended(516, 3), [], [], [paid(2_900)])).toBeNull();
  });

  test('the ledger must have refunded exactly what was paid out', () => {
    expect(strandedCredit(ended(0), [refundedEntry(516)], [{ amountCents: 516 }], [paid(2_900, [], false, [516])])).toBeNull();
    expect(strandedCredit(ended(0), [refundedEntry(516)], [], [paid(2_900)])).toBe('the ledger refunded 516 of account credit, the payouts 0');
  });
});
