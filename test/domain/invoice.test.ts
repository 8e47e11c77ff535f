import { buildInvoice, DEFAULT_SELLER_TAX, invoiceNumber, planLine, type InvoiceHeader, type InvoiceLineDraft } from '../../domain/invoice';
import type { TaxContext } from '../../domain/tax/calculate';
import type { BillingProfile } from '../../domain/tax/types';
import { FEB_29, T0, plan } from './fixtures';

/** A consumer in Norway, no profile: 25 %, prices including VAT. */
const TAX: TaxContext = { seller: DEFAULT_SELLER_TAX, buyer: null, issuedAt: T0 };

const HEADER: InvoiceHeader = {
  number: 'INV-sub_1-0002',
  subscriptionId: 'sub_1',
  customerId: 'cus_1',
  periodIndex: 1,
  billingReason: 'subscription_cycle',
  period: { start: T0, end: FEB_29 },
  currency: 'EUR',
  issuedAt: T0,
};

const line = (kind: InvoiceLineDraft['kind'], amountCents: number): InvoiceLineDraft => ({ kind, description: kind, quantity: 1, amountCents });

describe('buildInvoice', () => {
  test('without credit the amount due is the sum of the lines, and the header is kept', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('proration_credit', -590), line('proration_charge', 1_900)], 0);
    expect(draft).toMatchObject({ ...HEADER, lines: [line('proration_credit', -590), line('proration_charge', 1_900)], subtotalCents: 1_310, amountCents: 1_310 });
    expect(creditBalanceCents).toBe(0);
  });

  test('a credit balance smaller than the total is applied in full as a customer_balance line', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('subscription', 2_900)], 1_000);
    expect(draft.lines).toMatchObject([
      line('subscription', 2_900),
      { kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -1_000 },
    ]);
    expect(draft.subtotalCents).toBe(2_900); // before credit
    expect(draft.amountCents).toBe(1_900);
    expect(creditBalanceCents).toBe(0);
  });

  test('a credit balance larger than the total pays it all and the rest stays on the balance', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('subscription', 900)], 5_896);
    expect(draft.lines.at(-1)).toEqual({ kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -900 });
    expect(draft.amountCents).toBe(0);
    expect(creditBalanceCents).toBe(4_996);
  });

  test('a negative subtotal is never billed: the invoice is for zero and the difference goes to the balance', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('proration_credit', -6_486), line('proration_charge', 590)], 0);
    expect(draft.subtotalCents).toBe(-5_896);
    expect(draft.amountCents).toBe(0);
    expect(draft.lines.some((l) => l.kind === 'customer_balance')).toBe(false);
    expect(creditBalanceCents).toBe(5_896);
  });

  test('a negative subtotal adds to an existing balance without using it', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('proration_credit', -300)], 200);
    expect(draft.lines).toMatchObject([line('proration_credit', -300)]);
    expect(draft.amountCents).toBe(0);
    expect(creditBalanceCents).toBe(500);
  });

  test('a zero total leaves the balance untouched and adds no balance line', () => {
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [line('proration_credit', -500), line('proration_charge', 500)], 700);
    expect(draft.lines).toHaveLength(2);
    expect(draft.amountCents).toBe(0);
    expect(creditBalanceCents).toBe(700);
  });

  test('the amount due is never negative', () => {
    for (const [lines, balance] of [
      [[line('proration_credit', -1)], 0],
      [[line('proration_credit', -10_000), line('proration_charge', 1)], 50],
      [[line('subscription', 1)], 10_000],
    ] as Array<[InvoiceLineDraft[], number]>) {
      expect(buildInvoice(HEADER, TAX, lines, balance).draft.amountCents).toBeGreaterThanOrEqual(0);
    }
  });

  test('does not modify the lines it is given', () => {
    const lines = [line('subscription', 900)];
    buildInvoice(HEADER, TAX, lines, 100);
    expect(lines).toEqual([line('subscription', 900)]);
  });
});

describe('invoiceNumber', () => {
  test('is INV-<subscription>-<sequence padded to 4 digits>', () => {
    expect(invoiceNumber('sub_1', 1)).toBe('INV-sub_1-0001');
    expect(invoiceNumber('sub_1', 42)).toBe('INV-sub_1-0042');
    expect(invoiceNumber('sub_1', 12_345)).toBe('INV-sub_1-12345');
  });
});

describe('planLine', () => {
  test('describes the plan, its interval and the period, at the plan price by default', () => {
    expect(planLine(plan('pro-yearly'), { start: T0, end: '2029-01-31T10:00:00.000Z' })).toMatchObject({
      kind: 'subscription',
      description: 'Pro yearly (year), 2028-01-31 – 2029-01-31',
      quantity: 1,
      amountCents: 29_000,
      periodStart: T0,
      periodEnd: '2029-01-31T10:00:00.000Z',
    });
  });

  test('takes a prorated amount', () => {
    expect(planLine(plan('basic-monthly'), { start: T0, end: FEB_29 }, 465).amountCents).toBe(465);
  });
});

describe('buildInvoice: VAT', () => {
  test('VAT is added on top of a price that excludes it, and account credit pays after VAT', () => {
    const exclusive: InvoiceLineDraft = { ...line('subscription', 10_000), tax: { category: 'standard', inclusive: false } };
    const { draft, creditBalanceCents } = buildInvoice(HEADER, TAX, [exclusive], 2_000);
    expect(draft.lines[0]).toMatchObject({ amountCents: 12_500, taxed: { netCents: 10_000, taxCents: 2_500, rateBasisPoints: 2500, vatCategory: 'S' } });
    expect(draft).toMatchObject({ netCents: 10_000, taxCents: 2_500, subtotalCents: 12_500, amountCents: 10_500, treatment: 'domestic' });
    expect(draft.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 10_000, taxCents: 2_500 }]);
    expect(creditBalanceCents).toBe(0);
  });

  test('a price including VAT is charged as it is, its VAT taken out of it', () => {
    const { draft } = buildInvoice(HEADER, TAX, [line('subscription', 9_900)], 0);
    expect(draft).toMatchObject({ subtotalCents: 9_900, netCents: 7_920, taxCents: 1_980, amountCents: 9_900 });
  });

  test('an EU business with a VAT id is reverse charged: no VAT, the price as it is', () => {
    const buyer: BillingProfile = {
      legalName: 'Svensk Kund AB',
      kind: 'business',
      vatId: 'SE556036079301',
      address: { lines: ['Drottninggatan 1'], postalCode: '111 51', city: 'Stockholm', country: 'SE' },
      version: 1,
    };
    const exclusive: InvoiceLineDraft = { ...line('subscription', 10_000), tax: { category: 'standard', inclusive: false } };
    const { draft } = buildInvoice(HEADER, { ...TAX, buyer }, [exclusive], 0);
    expect(draft).toMatchObject({ treatment: 'reverse_charge', taxCents: 0, amountCents: 10_000, buyer });
    expect(draft.vatSummary).toEqual([{ vatCategory: 'AE', rateBasisPoints: 0, netCents: 10_000, taxCents: 0 }]);
  });

  test("the service's paid value includes VAT, so unused time is valued at what the customer paid", () => {
    const exclusive: InvoiceLineDraft = { ...line('subscription', 10_000), tax: { category: 'standard', inclusive: false } };
    const { service } = buildInvoice(HEADER, TAX, [exclusive], 0, { periodIndex: 1, listCents: 10_000, lines: [exclusive] });
    expect(service).toEqual({ periodIndex: 1, grossCents: 10_000, netCents: 12_500 });
  });
});
