import { csvRecord, LEDGER_COLUMNS, ledgerRow, textCell, type LedgerEntry } from '../../domain/ledger';

const ENTRY: LedgerEntry = {
  date: '2030-03-02',
  type: 'invoice',
  documentNumber: '17',
  reference: '17',
  customer: { id: 'cus_1', name: 'Kunde AS', organizationNumber: '974760673', vatId: null },
  currency: 'NOK',
  grossCents: 12_500,
  vat: { treatment: 'domestic', buyerCountry: 'NO', netCents: 10_000, taxCents: 2_500, summary: [{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 10_000, taxCents: 2_500 }] },
};

const columns = (entry: LedgerEntry) => Object.fromEntries(LEDGER_COLUMNS.map((column, i) => [column, ledgerRow(entry)[i]]));

describe('ledgerRow', () => {
  test('amounts are decimals with a dot in major units; currencies without minor units have no decimals', () => {
    expect(columns(ENTRY)).toMatchObject({ net_amount: '100.00', vat_amount: '25.00', gross_amount: '125.00', net_25: '100.00', vat_25: '25.00', net_15: '0.00' });
    expect(columns({ ...ENTRY, currency: 'JPY', vat: null })).toMatchObject({ gross_amount: '12500', net_amount: '' });
  });

  test('a credit note is negative in every amount column', () => {
    const row = columns({ ...ENTRY, type: 'credit_note' });
    expect([row.net_amount, row.vat_amount, row.gross_amount, row.net_25, row.vat_25]).toEqual(['-100.00', '-25.00', '-125.00', '-100.00', '-25.00']);
  });

  test("a rate without its own column, and another country's VAT at any rate, go to the other pair with the rate in vat_code", () => {
    const sixPercent = { vatCategory: 'S' as const, rateBasisPoints: 600, netCents: 1_000, taxCents: 60 };
    expect(columns({ ...ENTRY, vat: { ...ENTRY.vat!, summary: [sixPercent] } })).toMatchObject({ net_other: '10.00', vat_other: '0.60', vat_code: 'S:6', net_25: '0.00' });
    const oss = { ...ENTRY.vat!, treatment: 'oss' as const, buyerCountry: 'FI', summary: [{ vatCategory: 'S' as const, rateBasisPoints: 2550, netCents: 10_000, taxCents: 2_550 }] };
    expect(columns({ ...ENTRY, vat: oss })).toMatchObject({ net_other: '100.00', vat_other: '25.50', vat_code: 'S:25.5@FI', net_25: '0.00', vat_25: '0.00' });
  });

  test('a document from before invoices carried VAT has its gross and empty VAT columns', () => {
    const row = columns({ ...ENTRY, vat: null });
    expect(row.gross_amount).toBe('125.00');
    expect([row.net_amount, row.vat_amount, row.net_25, row.net_0, row.vat_code]).toEqual(['', '', '', '', '']);
  });
});

describe('CSV cells', () => {
  test('a field with a comma, quote or line break is quoted with its quotes doubled; records end in CRLF', () => {
    expect(csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', ''])).toBe('plain,"a,b","say ""hi""","two\nlines",\r\n');
  });

  test('text a spreadsheet would run as a formula is prefixed with an apostrophe', () => {
    expect(['=SUM(A1)', '+47', '-x', '@cmd', 'Kunde AS', null].map(textCell)).toEqual(["'=SUM(A1)", "'+47", "'-x", "'@cmd", 'Kunde AS', '']);
  });
});
