import { type TaxableLine, type TaxContext, type TaxedInvoice, legalNote, taxInvoiceLines } from '../../../domain/tax/calculate';
import { type RateTable, VAT_RATES } from '../../../domain/tax/rates';
import type { BillingProfile, TaxCategory } from '../../../domain/tax/types';
import {
  AMERICAN_BUSINESS,
  EXEMPT_BUYER,
  GERMAN_CONSUMER,
  NORWEGIAN_BUSINESS,
  NORWEGIAN_SELLER,
  SWEDISH_BUSINESS,
  SWEDISH_CONSUMER,
  UNREGISTERED_SELLER,
} from './profiles';

const ISSUED_AT = '2026-03-01T10:00:00.000Z';

function line(amountCents: number, category: TaxCategory | null = 'standard', inclusive = false, extra: Partial<TaxableLine> = {}): TaxableLine {
  return {
    kind: category === null ? 'discount' : 'subscription',
    description: category === null ? 'Discount' : `Plan (${category})`,
    quantity: 1,
    amountCents,
    code: category === null ? null : { category, inclusive },
    ...extra,
  };
}

function domestic(issuedAt = ISSUED_AT): TaxContext {
  return { seller: NORWEGIAN_SELLER, buyer: NORWEGIAN_BUSINESS, issuedAt };
}

function to(buyer: BillingProfile): TaxContext {
  return { seller: NORWEGIAN_SELLER, buyer, issuedAt: ISSUED_AT };
}

function expectTotalsAreLineSums(invoice: TaxedInvoice): void {
  const sum = (pick: (l: TaxedInvoice['lines'][number]) => number) => invoice.lines.reduce((total, l) => total + pick(l), 0);
  expect(invoice.netCents).toBe(sum((l) => l.tax.netCents));
  expect(invoice.taxCents).toBe(sum((l) => l.tax.taxCents));
  expect(invoice.grossCents).toBe(sum((l) => l.tax.grossCents));
  expect(invoice.netCents + invoice.taxCents).toBe(invoice.grossCents);
  for (const { tax } of invoice.lines) expect(tax.netCents + tax.taxCents).toBe(tax.grossCents);
  expect(invoice.vatSummary.reduce((total, row) => total + row.netCents, 0)).toBe(invoice.netCents);
  expect(invoice.vatSummary.reduce((total, row) => total + row.taxCents, 0)).toBe(invoice.taxCents);
}

/** The built-in table with Norway's standard rate raised to 27 % on 2027-07-01. */
const NORWAY_AT_27: RateTable = {
  ...VAT_RATES,
  NO: { ...VAT_RATES.NO!, standard: [...VAT_RATES.NO!.standard, { validFrom: '2027-07-01', basisPoints: 2700 }] },
};

describe('taxInvoiceLines: domestic Norwegian sales', () => {
  test('adds 25 % to an exclusive price', () => {
    const invoice = taxInvoiceLines([line(10_000)], domestic());
    expect(invoice.treatment).toBe('domestic');
    expect(invoice.lines[0]!.tax).toEqual({ rateBasisPoints: 2500, vatCategory: 'S', netCents: 10_000, taxCents: 2500, grossCents: 12_500 });
    expect(invoice.lines[0]).toMatchObject({ taxCategory: 'standard', inclusive: false, description: 'Plan (standard)' });
    expect(invoice.lines[0]).not.toHaveProperty('code');
  });

  test('finds the 25 % inside an inclusive price, which is what the customer pays', () => {
    const invoice = taxInvoiceLines([line(12_500, 'standard', true)], domestic());
    expect(invoice.lines[0]!.tax).toEqual({ rateBasisPoints: 2500, vatCategory: 'S', netCents: 10_000, taxCents: 2500, grossCents: 12_500 });
    expect(invoice.grossCents).toBe(12_500);
  });

  test('taxes food at 15 % and transport at 12 %', () => {
    const invoice = taxInvoiceLines([line(10_000, 'reduced_middle'), line(10_000, 'reduced_low')], domestic());
    expect(invoice.lines.map((l) => [l.tax.rateBasisPoints, l.tax.taxCents])).toEqual([[1500, 1500], [1200, 1200]]);
  });

  test('charges no VAT on the exempt category, with category E', () => {
    const invoice = taxInvoiceLines([line(10_000, 'exempt')], domestic());
    expect(invoice.lines[0]!.tax).toEqual({ rateBasisPoints: 0, vatCategory: 'E', netCents: 10_000, taxCents: 0, grossCents: 10_000 });
  });

  test('treats a missing buyer profile as domestic', () => {
    expect(taxInvoiceLines([line(10_000)], { seller: NORWEGIAN_SELLER, buyer: null, issuedAt: ISSUED_AT }).taxCents).toBe(2500);
  });
});

describe('taxInvoiceLines: sales abroad and without VAT', () => {
  test('reverse charges an EU business at 0 % with category AE; an inclusive price is then all net', () => {
    const invoice = taxInvoiceLines([line(10_000), line(12_500, 'standard', true)], to(SWEDISH_BUSINESS));
    expect(invoice.treatment).toBe('reverse_charge');
    expect(invoice.lines.map((l) => l.tax)).toEqual([
      { rateBasisPoints: 0, vatCategory: 'AE', netCents: 10_000, taxCents: 0, grossCents: 10_000 },
      { rateBasisPoints: 0, vatCategory: 'AE', netCents: 12_500, taxCents: 0, grossCents: 12_500 },
    ]);
    expect(invoice.vatSummary).toEqual([{ vatCategory: 'AE', rateBasisPoints: 0, netCents: 22_500, taxCents: 0 }]);
  });

  test('taxes an EU consumer at their country\'s rate under OSS: 25 % in Sweden, 19 % in Germany', () => {
    expect(taxInvoiceLines([line(10_000)], to(SWEDISH_CONSUMER)).lines[0]!.tax).toEqual({
      rateBasisPoints: 2500, vatCategory: 'S', netCents: 10_000, taxCents: 2500, grossCents: 12_500,
    });
    const german = taxInvoiceLines([line(10_000)], to(GERMAN_CONSUMER));
    expect(german.treatment).toBe('oss');
    expect(german.lines[0]!.tax).toEqual({ rateBasisPoints: 1900, vatCategory: 'S', netCents: 10_000, taxCents: 1900, grossCents: 11_900 });
  });

  test('exports to a US business at 0 % with category G', () => {
    const invoice = taxInvoiceLines([line(10_000)], to(AMERICAN_BUSINESS));
    expect(invoice.treatment).toBe('export');
    expect(invoice.lines[0]!.tax).toEqual({ rateBasisPoints: 0, vatCategory: 'G', netCents: 10_000, taxCents: 0, grossCents: 10_000 });
  });

  test('charges an exempt buyer no VAT, with category E', () => {
    const invoice = taxInvoiceLines([line(10_000), line(12_500, 'standard', true)], to(EXEMPT_BUYER));
    expect(invoice.treatment).toBe('exempt');
    expect(invoice.lines.map((l) => [l.tax.vatCategory, l.tax.taxCents, l.tax.grossCents])).toEqual([['E', 0, 10_000], ['E', 0, 12_500]]);
  });

  test('an unregistered seller charges no VAT, category O', () => {
    const invoice = taxInvoiceLines([line(10_000)], { seller: UNREGISTERED_SELLER, buyer: NORWEGIAN_BUSINESS, issuedAt: ISSUED_AT });
    expect(invoice.lines[0]!.tax).toEqual({ rateBasisPoints: 0, vatCategory: 'O', netCents: 10_000, taxCents: 0, grossCents: 10_000 });
  });
});

describe('taxInvoiceLines: a rate change during a line\'s period', () => {
  // 2027-06-21 → 2027-07-21: 10 days at 25 %, 20 days at 27 %.
  const period = { periodStart: '2027-06-21T00:00:00.000Z', periodEnd: '2027-07-21T00:00:00.000Z' };

  test('splits the line at the change, the amount in proportion to time, each part taxed at its own rate', () => {
    const invoice = taxInvoiceLines([line(10_000, 'standard', false, period)], domestic('2027-06-21T00:00:00.000Z'), NORWAY_AT_27);
    expect(invoice.lines.map((l) => [l.periodStart, l.periodEnd, l.amountCents, l.tax.rateBasisPoints, l.tax.taxCents])).toEqual([
      ['2027-06-21T00:00:00.000Z', '2027-07-01T00:00:00.000Z', 3333, 2500, 833],
      ['2027-07-01T00:00:00.000Z', '2027-07-21T00:00:00.000Z', 6667, 2700, 1800],
    ]);
    expect(invoice.lines.reduce((total, l) => total + l.amountCents, 0)).toBe(10_000);
    expect(invoice.lines.every((l) => l.description === 'Plan (standard)' && l.kind === 'subscription')).toBe(true);
    expect(invoice.vatSummary).toEqual([
      { vatCategory: 'S', rateBasisPoints: 2700, netCents: 6667, taxCents: 1800 },
      { vatCategory: 'S', rateBasisPoints: 2500, netCents: 3333, taxCents: 833 },
    ]);
    expectTotalsAreLineSums(invoice);
  });

  test('leaves a line of a category whose rate does not change whole', () => {
    const invoice = taxInvoiceLines([line(10_000, 'reduced_middle', false, period)], domestic(), NORWAY_AT_27);
    expect(invoice.lines).toHaveLength(1);
  });

  test('does not split lines of a zero-rated treatment', () => {
    const invoice = taxInvoiceLines([line(10_000, 'standard', false, period)], to(SWEDISH_BUSINESS), NORWAY_AT_27);
    expect(invoice.lines).toHaveLength(1);
  });

  test('taxes a line without a period at the rate of the invoice date', () => {
    expect(taxInvoiceLines([line(10_000)], domestic('2027-06-30T23:59:59.000Z'), NORWAY_AT_27).taxCents).toBe(2500);
    expect(taxInvoiceLines([line(10_000)], domestic('2027-07-01T00:00:00.000Z'), NORWAY_AT_27).taxCents).toBe(2700);
  });

  test('taxes a line at the rate of its period\'s start, not of the invoice date', () => {
    const invoice = taxInvoiceLines(
      [line(10_000, 'standard', false, { periodStart: '2027-06-01T00:00:00.000Z', periodEnd: '2027-07-01T00:00:00.000Z' })],
      domestic('2027-07-02T00:00:00.000Z'),
      NORWAY_AT_27,
    );
    expect(invoice.lines.map((l) => l.tax.rateBasisPoints)).toEqual([2500]);
  });
});

describe('taxInvoiceLines: discounts', () => {
  test('spreads a discount over two categories in proportion to their charges, one line per category', () => {
    const invoice = taxInvoiceLines([line(30_000, 'standard'), line(10_000, 'reduced_middle'), line(-1001, null)], domestic());
    expect(invoice.lines.map((l) => [l.kind, l.taxCategory, l.amountCents, l.tax.taxCents])).toEqual([
      ['subscription', 'standard', 30_000, 7500],
      ['subscription', 'reduced_middle', 10_000, 1500],
      ['discount', 'standard', -751, -188], // −187.75
      ['discount', 'reduced_middle', -250, -38], // −37.5, half away from zero
    ]);
    expect(invoice.vatSummary).toEqual([
      { vatCategory: 'S', rateBasisPoints: 2500, netCents: 29_249, taxCents: 7312 },
      { vatCategory: 'S', rateBasisPoints: 1500, netCents: 9750, taxCents: 1462 },
    ]);
    expectTotalsAreLineSums(invoice);
  });

  test('keeps inclusive and exclusive lines of a category apart: the discount on inclusive prices is inclusive', () => {
    const invoice = taxInvoiceLines([line(10_000, 'standard', false), line(12_500, 'standard', true), line(-2250, null)], domestic());
    expect(invoice.lines.slice(2).map((l) => [l.inclusive, l.amountCents, l.tax.netCents, l.tax.taxCents])).toEqual([
      [false, -1000, -1000, -250],
      [true, -1250, -1000, -250],
    ]);
  });

  test('spreads only over charges, not over credits on the same invoice', () => {
    const invoice = taxInvoiceLines([line(10_000, 'standard'), line(-5000, 'reduced_middle'), line(-1000, null)], domestic());
    expect(invoice.lines[2]).toMatchObject({ taxCategory: 'standard', amountCents: -1000 });
  });

  test('refuses a discount with no charge to take a tax code from', () => {
    expect(() => taxInvoiceLines([line(-1000, null)], domestic())).toThrow(/no charged line/);
  });
});

describe('taxInvoiceLines: credits', () => {
  test('taxes a proration credit as the exact mirror of the charge', () => {
    for (const amount of [10_001, 2, 12_345, 99]) {
      for (const inclusive of [false, true]) {
        const charge = taxInvoiceLines([line(amount, 'standard', inclusive)], domestic()).lines[0]!.tax;
        const credit = taxInvoiceLines([line(-amount, 'standard', inclusive, { kind: 'proration_credit' })], domestic()).lines[0]!.tax;
        expect([credit.netCents + charge.netCents, credit.taxCents + charge.taxCents, credit.grossCents + charge.grossCents]).toEqual([0, 0, 0]);
      }
    }
  });

  test('a charge and its full credit on one invoice sum to zero', () => {
    const invoice = taxInvoiceLines([line(10_001, 'standard', true), line(-10_001, 'standard', true, { kind: 'proration_credit' })], domestic());
    expect([invoice.netCents, invoice.taxCents, invoice.grossCents]).toEqual([0, 0, 0]);
  });
});

describe('taxInvoiceLines: VAT summary', () => {
  test('has one row per category and rate, highest rate first, summing to the lines and totals', () => {
    const invoice = taxInvoiceLines(
      [line(333, 'reduced_low'), line(1_001, 'standard', true), line(777, 'standard'), line(555, 'exempt'), line(123, 'reduced_middle'), line(-200, null)],
      domestic(),
    );
    expect(invoice.vatSummary.map((row) => [row.vatCategory, row.rateBasisPoints])).toEqual([
      ['S', 2500], ['S', 1500], ['S', 1200], ['E', 0],
    ]);
    for (const row of invoice.vatSummary) {
      const lines = invoice.lines.filter((l) => l.tax.vatCategory === row.vatCategory && l.tax.rateBasisPoints === row.rateBasisPoints);
      expect(row.netCents).toBe(lines.reduce((total, l) => total + l.tax.netCents, 0));
      expect(row.taxCents).toBe(lines.reduce((total, l) => total + l.tax.taxCents, 0));
    }
    expectTotalsAreLineSums(invoice);
  });
});

describe('legalNote', () => {
  test('prints reverse charge with its legal basis', () => {
    expect(legalNote('reverse_charge', 'nb')).toBe('Omvendt avgiftsplikt – kjøper skal beregne merverdiavgift');
    expect(legalNote('reverse_charge', 'en')).toBe('Reverse charge – VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)');
  });

  test('prints the export, OSS and not-registered statements', () => {
    expect(legalNote('export', 'nb')).toBe('Utførsel av tjenester – ikke merverdiavgiftspliktig (mval. § 6-22)');
    expect(legalNote('export', 'en')).toBe('Export of services – outside the scope of Norwegian VAT');
    expect(legalNote('oss', 'nb')).toBe('Merverdiavgift etter kjøpers land (OSS)');
    expect(legalNote('oss', 'en')).toBe("VAT charged at the rate of the customer's country (One-Stop Shop)");
    expect(legalNote('not_registered', 'nb')).toBe('Selger er ikke registrert i Merverdiavgiftsregisteret');
    expect(legalNote('not_registered', 'en')).toBe('The seller is not registered for VAT');
  });

  test('prints the exemption reason after the exemption', () => {
    expect(legalNote('exempt', 'nb', 'Diplomatisk stasjon')).toBe('Fritatt for merverdiavgift: Diplomatisk stasjon');
    expect(legalNote('exempt', 'en', 'Diplomatic mission')).toBe('Exempt from VAT: Diplomatic mission');
    expect(legalNote('exempt', 'en')).toBe('Exempt from VAT');
  });

  test('prints nothing on a domestic invoice', () => {
    expect(legalNote('domestic', 'nb')).toBeNull();
    expect(legalNote('domestic', 'en')).toBeNull();
  });
});
