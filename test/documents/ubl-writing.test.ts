// How the UBL renderer writes values and what it refuses, without the validator.
import { renderUbl } from '../../documents/ubl';
import { calendarDate, decimalAmount, lastDay, percent } from '../../documents/ubl-values';
import { element, escapeXml, leaf, serializeXml } from '../../documents/xml';
import { creditAppliedInvoice, norwegianInvoice, swedishBuyer } from './ubl-fixtures';

test('amounts are written in the currency minor-unit digits, negatives included', () => {
  expect(decimalAmount(12_345, 'NOK')).toBe('123.45');
  expect(decimalAmount(-5, 'EUR')).toBe('-0.05');
  expect(decimalAmount(1_000, 'JPY')).toBe('1000');
  expect(decimalAmount(-1_000, 'ISK')).toBe('-1000');
});

test('rates in basis points are written as percentages without binary fractions', () => {
  expect(percent(2500)).toBe('25');
  expect(percent(1250)).toBe('12.5');
  expect(percent(1111)).toBe('11.11');
  expect(percent(0)).toBe('0');
});

test('dates are the seller time zone calendar days, and a period ends on the day before its exclusive end', () => {
  expect(calendarDate('2025-12-31T23:00:00.000Z', 'Europe/Oslo')).toBe('2026-01-01');
  expect(lastDay('2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z', 'Europe/Oslo')).toBe('2026-01-31');
  expect(lastDay('2026-01-10T12:00:00.000Z', '2026-01-10T12:00:00.000Z', 'Europe/Oslo')).toBe('2026-01-10');
});

test('markup and control characters in text cannot break the XML, and empty elements are left out', () => {
  expect(escapeXml('A & B <AS> "x"\u0001')).toBe('A &amp; B &lt;AS&gt; &quot;x&quot;');
  const root = element('Root', [leaf('Empty', ''), leaf('Missing', null), element('Nothing', [null]), leaf('Name', 'Ærlig & Co')])!;
  expect(serializeXml(root)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Root>\n  <Name>Ærlig &amp; Co</Name>\n</Root>\n');
});

test('a line whose net does not divide by its quantity is priced per its whole quantity', () => {
  const doc = { ...creditAppliedInvoice, lines: [{ ...creditAppliedInvoice.lines[0]!, quantity: 3 }] };
  const xml = renderUbl(doc);
  expect(xml).toMatch(/<cbc:PriceAmount currencyID="NOK">499.00<\/cbc:PriceAmount>\s*<cbc:BaseQuantity unitCode="C62">3</);
});

test('a buyer without an organisation number or a VAT number is addressed by e-mail', () => {
  const consumer = { ...swedishBuyer, kind: 'consumer' as const, vatId: null };
  expect(renderUbl({ ...creditAppliedInvoice, buyer: consumer })).toContain('<cbc:EndpointID schemeID="EM">ap@exempelkund.se</cbc:EndpointID>');
});

test('a Norwegian buyer known only by its VAT number is addressed by the organisation number inside it', () => {
  const buyer = { ...creditAppliedInvoice.buyer, organizationNumber: null, vatId: 'NO974760673MVA' };
  expect(renderUbl({ ...creditAppliedInvoice, buyer })).toContain('<cbc:EndpointID schemeID="0192">974760673</cbc:EndpointID>');
});

test('a document whose totals disagree with its lines is refused', () => {
  expect(() => renderUbl({ ...norwegianInvoice, grossCents: norwegianInvoice.grossCents + 1 })).toThrow(/does not add up/);
  const lines = norwegianInvoice.lines.slice(1);
  expect(() => renderUbl({ ...norwegianInvoice, lines })).toThrow(/lines' net/);
});

test('a document without a buyer reference is refused', () => {
  expect(() => renderUbl({ ...norwegianInvoice, buyerReference: ' ' })).toThrow(/no buyer reference/);
});
