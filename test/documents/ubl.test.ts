// The UBL renderer's documents pass the Peppol BIS Billing 3.0 validator (UBL XSD, EN16931 and
// Peppol rules with Norway's), and the validator does reject a broken one.
import { renderUbl } from '../../documents/ubl';
import type { InvoiceDocument } from '../../domain/tax/types';
import { startUblValidator, type UblValidation } from '../support/ubl-validator';
import { cardPaidInvoice, creditAppliedInvoice, creditNote, norwegianInvoice, reverseChargeInvoice } from './ubl-fixtures';

const documents: Record<string, InvoiceDocument> = {
  norwegian: norwegianInvoice,
  reverseCharge: reverseChargeInvoice,
  creditNote,
  creditApplied: creditAppliedInvoice,
  cardPaid: cardPaidInvoice,
};

const xml: Record<string, string> = Object.fromEntries(Object.entries(documents).map(([name, doc]) => [name, renderUbl(doc)]));

/** BT-112 made one krone larger than BT-109 + BT-110. */
function withBrokenTotal(source: string): string {
  const tampered = source.replace(
    /<cbc:TaxInclusiveAmount currencyID="NOK">(\d+)\.(\d+)</,
    (_, whole: string, cents: string) => `<cbc:TaxInclusiveAmount currencyID="NOK">${Number(whole) + 1}.${cents}<`,
  );
  if (tampered === source) throw new Error('no TaxInclusiveAmount to tamper with');
  return tampered;
}

let results: Map<string, UblValidation>;

beforeAll(async () => {
  // One JVM for every document: it starts and loads the rules once.
  const validator = startUblValidator();
  const validated = await Promise.all(
    [...Object.entries(xml), ['brokenTotal', withBrokenTotal(xml.norwegian!)] as const].map(([name, text]) => validator.validate(name, text)),
  ).finally(() => validator.close());
  results = new Map(validated.map((result) => [result.name, result]));
  for (const { name, warnings } of validated) {
    if (warnings.length > 0) console.warn(`${name}: ${warnings.map((w) => `${w.rule} ${w.message}`).join('\n')}`);
  }
}, 120_000);

function expectValid(name: string): void {
  const result = results.get(name)!;
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

const text = (source: string, element: string) => [...source.matchAll(new RegExp(`<${element}[^>]*>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

test('a Norwegian business invoice with lines at 25 % and 15 % and a discount line is valid EHF', () => {
  expectValid('norwegian');
  const source = xml.norwegian!;
  expect(text(source, 'cbc:EndpointID')).toEqual(['923609016', '974760673']);
  expect(source).toContain('<cbc:CompanyID>NO923609016MVA</cbc:CompanyID>');
  expect(source).toContain('<cbc:CompanyID>Foretaksregisteret</cbc:CompanyID>');
  expect(text(source, 'cbc:Percent')).toEqual(expect.arrayContaining(['25', '15']));
  expect(text(source, 'cbc:InvoicedQuantity')).toEqual(['1', '3', '-1', '1']);
  expect(text(source, 'cbc:PriceAmount')).toEqual(['499.00', '99.00', '49.90', '187.50']);
});

test('a reverse-charged invoice to a Swedish business is valid, addressed by its organisation number', () => {
  expectValid('reverseCharge');
  const source = xml.reverseCharge!;
  expect(source).toContain('<cbc:EndpointID schemeID="0007">5560360793</cbc:EndpointID>');
  expect(source).toContain('<cbc:CompanyID>SE556036079301</cbc:CompanyID>');
  expect(text(source, 'cbc:TaxExemptionReasonCode')).toEqual(['VATEX-EU-AE']);
  expect(text(source, 'cbc:PaymentMeansCode')).toEqual(['58']);
});

test('a credit note for the Norwegian invoice is valid and refers to the invoice it corrects', () => {
  expectValid('creditNote');
  const source = xml.creditNote!;
  expect(source).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
  expect(text(source, 'cbc:CreditNoteTypeCode')).toEqual(['381']);
  expect(source).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-sub_01JH7Q4M2XKD9R5V8T3WZC6B1N-0004<\/cbc:ID>\s*<cbc:IssueDate>2026-01-01</);
  expect(source).not.toContain('cac:PaymentMeans');
});

test('account credit applied to an invoice is its PrepaidAmount, and the rest is payable', () => {
  expectValid('creditApplied');
  const source = xml.creditApplied!;
  expect(text(source, 'cbc:TaxInclusiveAmount')).toEqual(['623.75']);
  expect(text(source, 'cbc:PrepaidAmount')).toEqual(['200.00']);
  expect(text(source, 'cbc:PayableAmount')).toEqual(['423.75']);
});

test('an invoice already charged to a card is valid with nothing payable and no payment instructions', () => {
  expectValid('cardPaid');
  const source = xml.cardPaid!;
  expect(text(source, 'cbc:PrepaidAmount')).toEqual(['623.75']);
  expect(text(source, 'cbc:PayableAmount')).toEqual(['0.00']);
  expect(source).not.toContain('cac:PaymentMeans');
});

test('the validator rejects an invoice whose total with VAT was tampered with (BR-CO-15)', () => {
  const result = results.get('brokenTotal')!;
  expect(result.valid).toBe(false);
  expect(result.errors.map((error) => error.rule)).toContain('BR-CO-15');
});
