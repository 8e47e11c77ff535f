// Renders sample invoices and a credit note, then reads them back with poppler as text (every field
// bokføringsforskriften § 5-1-1 requires) and as a picture of page 1. Set PDF_SAMPLES_DIR to keep
// those pictures for a look.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderInvoicePdf } from '../../documents/invoice-pdf';
import type { InvoiceDocument } from '../../domain/tax/types';
import {
  manyLinesInvoice,
  norwegianBusinessCreditNote,
  norwegianConsumerInvoice,
  seller,
  swedishReverseChargeInvoice,
} from './fixtures';
import { writeSampleLogo } from './logo';
import { flattened, pageToPng, pdfText, pngInfo, requirePoppler } from './poppler';

// A4 (595.28 × 841.89 pt) at 80 dpi.
const A4_AT_80_DPI = { width: 662, height: 936 };
// A blank page compresses to a few kilobytes; a page of text, rules and bands to tens.
const NON_BLANK_PNG_BYTES = 20_000;

let dir: string;
let logoPath: string;

beforeAll(async () => {
  requirePoppler();
  dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-pdf-'));
  logoPath = await writeSampleLogo(dir);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function render(name: string, doc: InvoiceDocument): Promise<{ pdfPath: string; text: string }> {
  const pdfPath = path.join(dir, `${name}.pdf`);
  writeFileSync(pdfPath, await renderInvoicePdf(doc));
  return { pdfPath, text: flattened(pdfText(pdfPath)) };
}

function expectPageOnePicture(pdfPath: string, name: string): void {
  const png = pageToPng(pdfPath, path.join(dir, `${name}-page-1`));
  const info = pngInfo(png);
  expect({ width: info.width, height: info.height }).toEqual(A4_AT_80_DPI);
  expect(info.bytes).toBeGreaterThan(NON_BLANK_PNG_BYTES);
  const samples = process.env.PDF_SAMPLES_DIR;
  if (samples) {
    mkdirSync(samples, { recursive: true });
    copyFileSync(png, path.join(samples, `${name}.png`));
  }
}

function expectAll(text: string, fields: readonly string[]): void {
  expect(fields.filter((field) => !text.includes(field))).toEqual([]);
}

test('a Norwegian consumer invoice in bokmål prints every mandatory field, its 25 % VAT and how to pay', async () => {
  const doc = { ...norwegianConsumerInvoice(), seller: { ...seller, logoPath } };
  const { pdfPath, text } = await render('nb-consumer-invoice', doc);
  expectAll(text, [
    'Faktura 2026-000123',
    'Fakturanummer 2026-000123',
    'Fakturadato 01.12.2026',
    'Forfallsdato 15.12.2026',
    'Fjordlys Programvare AS',
    'Org.nr. 923 609 016 MVA',
    'Åse Ødegård Bjørnstad',
    'Kjærlighetsstien 7',
    '5003 Bergen',
    'Leveringsperiode 01.12.2026–31.12.2026',
    'Abonnement Pro, 01.12.2026–31.12.2026',
    'Tillegg Ekstra lagring, 01.12.2026–31.12.2026',
    'Rabatt Velkomstrabatt',
    'Grunnlag MVA-sats MVA',
    '359,20 NOK 25 % 89,80 NOK',
    'Sum eks. mva. 359,20 NOK',
    'Sum inkl. mva. 449,00 NOK',
    'Trukket fra kontokreditt -50,00 NOK',
    'Å betale 399,00 NOK',
    'Kontonummer 8601 11 17947',
    'Merk betalingen med 2026-000123',
    'Side 1 av 1',
  ]);
  expect(text).not.toContain('Omvendt avgiftsplikt');
  expectPageOnePicture(pdfPath, 'nb-consumer-invoice');
});

test('an English invoice to a Swedish business prints its VAT number, 0 % and the reverse-charge wording', async () => {
  const { pdfPath, text } = await render('en-reverse-charge-invoice', swedishReverseChargeInvoice());
  expectAll(text, [
    'Invoice 2026-000124',
    'Invoice date 2026-12-01',
    'Due date 2026-12-31',
    'Org. no. 923 609 016 MVA',
    'Nordkap Analytics AB',
    'Sveavägen 44',
    '111 34 Stockholm',
    'Sweden',
    'VAT no. SE556677889901',
    'Period of supply 2026-12-01–2027-11-30',
    'Business (yearly), 2026-12-01 – 2027-12-01',
    '5 × Extra seats, 2026-12-01 – 2027-12-01',
    'Basis VAT rate VAT',
    'EUR 1,325.00 0% EUR 0.00',
    'Total incl. VAT EUR 1,325.00',
    'Amount due EUR 1,325.00',
    'Reverse charge – VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)',
    'IBAN NO93 8601 1117 947',
    'BIC DNBANOKK',
    'Payment reference 2026-000124',
    'Page 1 of 1',
  ]);
  expectPageOnePicture(pdfPath, 'en-reverse-charge-invoice');
});

test('a credit note says "Kreditnota", names the invoice it corrects and why, and asks for no payment', async () => {
  const { pdfPath, text } = await render('nb-credit-note', norwegianBusinessCreditNote());
  expectAll(text, [
    'Kreditnota 2026-000125',
    'Kreditnotadato 16.11.2026',
    'Kreditnota for faktura 2026-000117 av 01.11.2026',
    'Årsak: Oppsigelse – refusjon av ubrukt tid',
    'Org.nr. 923 609 016 MVA',
    'Bølgen & Moi Kafé AS',
    'Strandkaien 2',
    '4005 Stavanger',
    'Org.nr. 987 654 325',
    'Leveringsperiode 16.11.2026–30.11.2026',
    // Too long for one line of the cell: the period goes on its own line, whole.
    'Kreditering av ubrukt tid på Team,',
    '16.11.2026–30.11.2026',
    '249,50 NOK 25 % 62,38 NOK',
    'Sum inkl. mva. 311,88 NOK',
    'Tilbakebetalt 16.11.2026',
  ]);
  expect(text).not.toContain('Forfallsdato');
  expect(text).not.toContain('Betalingsinformasjon'.toUpperCase());
  expectPageOnePicture(pdfPath, 'nb-credit-note');
});

test('the export wording keeps its "–" and "§" through text extraction', async () => {
  const { text } = await render('nb-export-invoice', { ...norwegianConsumerInvoice(), treatment: 'export' });
  expect(text).toContain('Utførsel av tjenester – ikke merverdiavgiftspliktig (mval. § 6-22)');
});

test('buyers from across the EU are printed as written: Polish, Czech, Romanian, Greek and Cyrillic names and addresses', async () => {
  const base = swedishReverseChargeInvoice();
  const buyer = {
    ...base.buyer,
    legalName: 'Łukasz Wróbel Dvořák Ștefănescu',
    address: { lines: ['Ελευθερίου Βενιζέλου 12', 'ул. Шипка 6'], postalCode: '1000', city: 'Göteborg Łódź Kőszeg', country: 'SE' },
  };
  const { text } = await render('en-eu-names', { ...base, buyer });
  expectAll(text, ['Łukasz Wróbel Dvořák Ștefănescu', 'Ελευθερίου Βενιζέλου 12', 'ул. Шипка 6', '1000 Göteborg Łódź Kőszeg']);
});

test('a character the font has no glyph for prints as U+FFFD, and invisible format characters (a bidi override) are left out', async () => {
  const base = norwegianConsumerInvoice();
  const { text } = await render('nb-unprintable', { ...base, buyer: { ...base.buyer, legalName: 'Åse 山田 \u202eevil\u202c 🚀' } });
  expect(text).toContain('Åse \uFFFD\uFFFD evil \uFFFD');
});

test('paid invoices say when they were paid instead of asking for a transfer', async () => {
  const { text } = await render('nb-paid-invoice', { ...norwegianConsumerInvoice(), paidAt: '2026-12-01T06:00:05.000Z' });
  expect(text).toContain('Betalt 01.12.2026 399,00 NOK');
  expect(text).not.toContain('Kontonummer');
});

test('the same document renders to the same bytes', async () => {
  const doc = { ...norwegianConsumerInvoice(), seller: { ...seller, logoPath } };
  const first = await renderInvoicePdf(doc);
  const second = await renderInvoicePdf(structuredClone(doc));
  expect(first.equals(second)).toBe(true);
});

test('a long lines table continues on the next pages with the table header repeated and pages numbered', async () => {
  const { pdfPath, text } = await render('nb-many-lines', manyLinesInvoice(60));
  const pages = text.split('\f').filter((page) => page.trim() !== '');
  expect(pages.length).toBeGreaterThanOrEqual(2);
  const second = flattened(pdfText(pdfPath, { first: 2, last: 2 }));
  expectAll(second, [
    'Faktura 2026-000126',
    'Beskrivelse Antall Beløp eks. mva. MVA-sats MVA Beløp inkl. mva.',
    `Side 2 av ${pages.length}`,
  ]);
  for (let index = 1; index <= 60; index++) expect(text).toContain(`Tillegg Bruker ${index} – Kari Nordmann`);
  expect(text).toContain('Å betale 7 425,00 NOK');
});
