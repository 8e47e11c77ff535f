// VAT on invoices end to end, through the API: a customer's billing profile decides how the first
// invoice is taxed, the invoice is finalized with a legal number, and its PDF, EHF (UBL) and credit
// notes say what the invoice says. One harness for the file.
import { mkdirSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { DEMO_SELLER } from '../../infra/seller';
import { flattened, pageToPng, pdfText, pngInfo, requirePoppler } from '../documents/poppler';
import type { Harness } from '../support/harness';
import { retireSubscriptions, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { DAY, driver } from '../support/lifecycle';
import { startUblValidator, type UblValidator } from '../support/ubl-validator';

const SAMPLES = '/tmp/vat-samples';

let h: Harness;
let d: Driver;
/** Started by the first test that validates a document: the JVM and its rules once for the file. */
let ubl: UblValidator | undefined;
beforeAll(async () => {
  requirePoppler();
  mkdirSync(SAMPLES, { recursive: true });
  h = await startHarness();
  d = driver(h, testApp(h));
  // Business prices excluding VAT: VAT is added on top.
  const plan = { product: 'team', intervalUnit: 'month' as const, intervalCount: 1, currency: 'NOK', taxCategory: 'standard', taxInclusive: false };
  await h.db.prisma.product.create({ data: { code: 'team', name: 'Team' } });
  await h.db.prisma.plan.createMany({
    data: [
      { ...plan, code: 'team-monthly-nok-ex', name: 'Team monthly', tier: 4, amountCents: 100_000 },
      { ...plan, code: 'team-plus-monthly-nok-ex', name: 'Team Plus monthly', tier: 5, amountCents: 200_000 },
    ],
  });
});
afterEach(async () => {
  await retireSubscriptions(h);
});
afterAll(async () => {
  await Promise.all([h?.teardown(), ubl?.close()]);
});

type Profile = Record<string, unknown>;

const NORWEGIAN_CONSUMER: Profile = {
  legalName: 'Kari Nordmann',
  kind: 'consumer',
  address: { lines: ['Karl Johans gate 22'], postalCode: '0159', city: 'Oslo', country: 'NO' },
};
const NORWEGIAN_BUSINESS: Profile = {
  legalName: 'Fjordkraft Testbedrift AS',
  kind: 'business',
  organizationNumber: '974760673',
  address: { lines: ['Bryggen 5'], postalCode: '5003', city: 'Bergen', country: 'NO' },
};
const SWEDISH_BUSINESS: Profile = {
  legalName: 'Svensk Testföretag AB',
  kind: 'business',
  vatId: 'SE556036079301',
  address: { lines: ['Drottninggatan 10'], postalCode: '111 51', city: 'Stockholm', country: 'SE' },
  language: 'en',
};
const GERMAN_CONSUMER: Profile = {
  legalName: 'Max Mustermann',
  kind: 'consumer',
  address: { lines: ['Unter den Linden 1'], postalCode: '10117', city: 'Berlin', country: 'DE' },
  language: 'en',
};
const AMERICAN_BUSINESS: Profile = {
  legalName: 'Acme Corporation',
  kind: 'business',
  address: { lines: ['1 Main Street'], postalCode: '10001', city: 'New York', country: 'US' },
  language: 'en',
};

/** VAT contained in a price including it, at `percent`, halves away from zero (independent of domain/tax). */
function vatIn(grossCents: number, percent: number): number {
  return Math.sign(grossCents) * Math.round((Math.abs(grossCents) * percent) / (100 + percent));
}

/** Price × remaining whole seconds ÷ period seconds, rounded (as the lifecycle tests compute it). */
function prorated(amountCents: number, period: { start: string; end: string }, at: string): number {
  const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
  return Math.round((amountCents * (seconds(period.end) - seconds(at))) / (seconds(period.end) - seconds(period.start)));
}

/** "dd.mm.yyyy–dd.mm.yyyy": the first and the last day supplied (the end is exclusive). */
function nbPeriod(start: string, end: string): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).split('-').reverse().join('.');
  return `${day(Date.parse(start))}–${day(Date.parse(end) - 1)}`;
}

async function subscribe(id: string, plan: string, billingProfile: Profile) {
  return d.create({ id, customer: { id: `cus_${id}`, email: `${id}@example.com`, name: id, billingProfile }, plan, paymentMethod: 'pm_card_visa' });
}

interface InvoiceLineJson {
  kind: string;
  amountCents: number;
  netCents: number;
  taxCents: number;
  taxRateBasisPoints: number;
  vatCategory: string | null;
}
interface InvoiceJson {
  id: string;
  number: string;
  reference: string;
  status: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  subtotalCents: number;
  netCents: number;
  taxCents: number;
  amountCents: number;
  taxTreatment: string;
  lines: InvoiceLineJson[];
  vatSummary: Array<{ vatCategory: string; rateBasisPoints: number; netCents: number; taxCents: number }>;
  creditNotes: Array<{ number: string; kind: string; amountCents: number; netCents: number; taxCents: number; invoiceNumber: string }>;
}

async function invoice(key: string): Promise<InvoiceJson> {
  const res = await request(d.app).get(`/invoices/${encodeURIComponent(key)}`);
  expect(res.status).toBe(200);
  return res.body as InvoiceJson;
}

async function file(path: string, contentType: RegExp): Promise<Buffer> {
  const res = await request(d.app)
    .get(path)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect([path, res.status]).toEqual([path, 200]);
  expect(res.headers['content-type']).toMatch(contentType);
  return res.body as Buffer;
}

/** The PDF's text (pdftotext, columns collapsed); the file is kept in SAMPLES as `<name>.pdf`. */
async function pdfOf(path: string, name: string): Promise<{ text: string; file: string }> {
  const pdf = await file(path, /^application\/pdf/);
  const saved = `${SAMPLES}/${name}.pdf`;
  writeFileSync(saved, pdf);
  return { text: flattened(pdfText(saved)), file: saved };
}

async function expectValidUbl(path: string, name: string): Promise<string> {
  const xml = (await file(path, /^application\/xml/)).toString('utf8');
  writeFileSync(`${SAMPLES}/${name}.xml`, xml);
  ubl ??= startUblValidator();
  const result = await ubl.validate(name, xml);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return xml;
}

/** Every line adds up, and the lines add up to the invoice. */
function expectLinesAddUp(inv: InvoiceJson): void {
  for (const line of inv.lines.filter((l) => l.kind !== 'customer_balance')) {
    expect([line.kind, line.netCents + line.taxCents]).toEqual([line.kind, line.amountCents]);
  }
  const taxed = inv.lines.filter((l) => l.kind !== 'customer_balance');
  expect(taxed.reduce((sum, l) => sum + l.netCents, 0)).toBe(inv.netCents);
  expect(taxed.reduce((sum, l) => sum + l.taxCents, 0)).toBe(inv.taxCents);
  expect(inv.netCents + inv.taxCents).toBe(inv.subtotalCents);
}

test('a Norwegian consumer on a price including VAT: 25 % extracted, one S 25 % row, a legal number, and a PDF that says it all', async () => {
  const s = await subscribe('vat_no_consumer', 'pro-monthly-nok', NORWEGIAN_CONSUMER);
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv.reference).toBe(s.latestInvoice!.number);
  expect(inv).toMatchObject({ status: 'paid', currency: 'NOK', subtotalCents: 29_900, amountCents: 29_900, taxTreatment: 'domestic' });
  expect(inv.taxCents).toBe(vatIn(29_900, 25));
  expect(inv.taxCents).toBe(5_980);
  expect(inv.netCents).toBe(29_900 - 5_980);
  expect(inv.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 23_920, taxCents: 5_980 }]);
  expectLinesAddUp(inv);

  expect(inv.number).toMatch(/^\d+$/);
  expect((await invoice(inv.number)).id).toBe(inv.id);
  expect((await invoice(inv.id)).number).toBe(inv.number);

  const { text, file: pdf } = await pdfOf(`/invoices/${inv.number}/pdf`, 'no-consumer');
  expect(text).toContain(DEMO_SELLER.legalName);
  expect(text).toMatch(/Org\.nr\. 923 456 783 MVA/);
  expect(text).toContain('Kari Nordmann');
  expect(text).toContain('Karl Johans gate 22');
  expect(text).toMatch(/0159 Oslo/);
  expect(text).toMatch(new RegExp(`Fakturanummer ${inv.number}\\b`));
  expect(text).toContain(nbPeriod(inv.periodStart, inv.periodEnd));
  expect(text).toContain('25 %');
  for (const amount of ['239,20', '59,80', '299,00']) expect(text).toContain(amount);
  // Paid by card: the document says so, asks for no transfer, and is stored once.
  expect(text).toMatch(/Betalt \d\d\.\d\d\.\d{4} 299,00 NOK/);
  expect(text).not.toContain('Kontonummer');
  expect(await h.db.prisma.documentFile.count({ where: { ownerKey: `invoice/${inv.id}`, format: 'pdf' } })).toBe(1);

  const png = pageToPng(pdf, `${SAMPLES}/no-consumer`, 1, 80);
  expect(pngInfo(png)).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
  expect(pngInfo(png).height).toBeGreaterThan(pngInfo(png).width);
});

test('an open invoice asks to be paid by transfer and is rendered per request, not stored, until it is final', async () => {
  const s = await d.create({ id: 'vat_open', customer: { email: 'vat_open@example.com', name: 'Open', billingProfile: NORWEGIAN_CONSUMER }, plan: 'pro-monthly-nok', paymentMethod: 'pm_card_declined' });
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv.status).toBe('open');
  const { text } = await pdfOf(`/invoices/${inv.number}/pdf`, 'open-invoice');
  expect(text).toMatch(/Å betale 299,00 NOK/);
  expect(text).toContain('Kontonummer');
  expect(await h.db.prisma.documentFile.count({ where: { ownerKey: `invoice/${inv.id}` } })).toBe(0);
});

test('a Norwegian business on a price excluding VAT pays 125 %, sees its organisation number, and gets a valid EHF', async () => {
  const s = await subscribe('vat_no_business', 'team-monthly-nok-ex', NORWEGIAN_BUSINESS);
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv).toMatchObject({ status: 'paid', subtotalCents: 125_000, amountCents: 125_000, netCents: 100_000, taxCents: 25_000, taxTreatment: 'domestic' });
  expect(inv.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 100_000, taxCents: 25_000 }]);
  expectLinesAddUp(inv);

  const { text } = await pdfOf(`/invoices/${inv.id}/pdf`, 'no-business');
  expect(text).toContain('Fjordkraft Testbedrift AS');
  expect(text).toMatch(/Org\.nr\. 974 760 673/);
  for (const amount of ['1 000,00', '250,00', '1 250,00']) expect(text).toContain(amount);

  const xml = await expectValidUbl(`/invoices/${inv.id}/ubl`, 'no-business');
  expect(xml).toContain('974760673');
  expect(xml).toContain(`<cbc:ID>${inv.number}</cbc:ID>`);
});

test('an EU business with a VAT id is reverse charged: no VAT, category AE, the legal note on the PDF, a valid EHF', async () => {
  const s = await subscribe('vat_se_business', 'team-monthly-nok-ex', SWEDISH_BUSINESS);
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv).toMatchObject({ status: 'paid', taxTreatment: 'reverse_charge', taxCents: 0, netCents: 100_000, subtotalCents: 100_000, amountCents: 100_000 });
  expect(inv.vatSummary).toEqual([{ vatCategory: 'AE', rateBasisPoints: 0, netCents: 100_000, taxCents: 0 }]);
  expect(inv.lines.every((line) => line.vatCategory === 'AE' && line.taxCents === 0)).toBe(true);

  const { text } = await pdfOf(`/invoices/${inv.number}/pdf`, 'se-business');
  expect(text).toContain('Reverse charge');
  expect(text).toContain('SE556036079301');
  await expectValidUbl(`/invoices/${inv.number}/ubl`, 'se-business');
});

test('an EU consumer is taxed at their own country\'s rate (OSS): 19 % in Germany', async () => {
  const s = await subscribe('vat_de_consumer', 'pro-monthly', GERMAN_CONSUMER);
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv).toMatchObject({ status: 'paid', currency: 'EUR', taxTreatment: 'oss', subtotalCents: 2_900, taxCents: vatIn(2_900, 19) });
  expect(inv.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 1900, netCents: 2_900 - vatIn(2_900, 19), taxCents: vatIn(2_900, 19) }]);
  expectLinesAddUp(inv);
  const { text } = await pdfOf(`/invoices/${inv.number}/pdf`, 'de-consumer');
  expect(text).toContain('19%');
  expect(text).toContain('One-Stop Shop');
});

test('a customer outside Norway and the EU is an export: 0 %, category G', async () => {
  const s = await subscribe('vat_us_business', 'pro-monthly', AMERICAN_BUSINESS);
  const inv = await invoice(s.latestInvoice!.number);
  expect(inv).toMatchObject({ status: 'paid', taxTreatment: 'export', taxCents: 0, netCents: 2_900, subtotalCents: 2_900 });
  expect(inv.vatSummary).toEqual([{ vatCategory: 'G', rateBasisPoints: 0, netCents: 2_900, taxCents: 0 }]);
  const { text } = await pdfOf(`/invoices/${inv.number}/pdf`, 'us-business');
  expect(text).toContain('Export of services');
});

test('a billing profile change applies from the next invoice: the issued one keeps the buyer it was issued to', async () => {
  const s = await subscribe('vat_moved', 'pro-monthly-nok', NORWEGIAN_CONSUMER);
  const first = await invoice(s.latestInvoice!.number);
  const moved = { ...NORWEGIAN_CONSUMER, legalName: 'Kari Nordmann Berg', address: { lines: ['Storgata 9'], postalCode: '9008', city: 'Tromsø', country: 'NO' } };
  const put = await request(d.app).put('/customers/cus_vat_moved/billing-profile').send(moved);
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ subscriptionsUpdated: 1, billingProfile: { legalName: 'Kari Nordmann Berg', version: 2 } });

  const old = (await pdfOf(`/invoices/${first.number}/pdf`, 'moved-first')).text;
  expect(old).toContain('Karl Johans gate 22');
  expect(old).not.toContain('Storgata 9');
  expect(old).not.toContain('Nordmann Berg');

  await d.advanceTo(s.currentPeriod.end);
  const renewed = await d.until('vat_moved', (x) => x.periodIndex === 1 && x.latestInvoice?.status === 'paid', 'renewal');
  const second = await invoice(renewed.latestInvoice!.number);
  expect(second.number).not.toBe(first.number);
  expect(Number(second.number)).toBeGreaterThan(Number(first.number));
  const now = (await pdfOf(`/invoices/${second.number}/pdf`, 'moved-renewal')).text;
  expect(now).toContain('Kari Nordmann Berg');
  expect(now).toMatch(/9008 Tromsø/);
  expect(now).not.toContain('Karl Johans gate 22');
  // The first invoice's document has not changed since.
  expect((await pdfOf(`/invoices/${first.number}/pdf`, 'moved-first-again')).text).toBe(old);
});

test("a billing profile given in an import reaches the customer's subscriptions already running", async () => {
  const s = await subscribe('vat_import_a', 'pro-monthly-nok', NORWEGIAN_CONSUMER);
  const moved = { ...NORWEGIAN_CONSUMER, legalName: 'Ola Importert', address: { lines: ['Kaigata 3'], postalCode: '5016', city: 'Bergen', country: 'NO' } };
  const imported = await request(d.app)
    .post('/subscriptions/imports')
    .send({
      subscriptions: [
        { id: 'vat_import_b', customer: { email: 'vat_import_a@example.com', billingProfile: moved }, plan: 'pro-monthly-nok', paymentMethod: 'pm_card_visa', currentPeriodEnd: s.currentPeriod.end },
      ],
    });
  expect(imported.status).toBe(201);
  const running = await d.until('vat_import_a', (x) => x.customer.billing?.version === 2, 'the imported profile');
  expect(running.customer.billing).toMatchObject({ legalName: 'Ola Importert', address: { city: 'Bergen' } });
});

test('a coupon and an upgrade on a price excluding VAT: the discount, the proration credit and the charge each carry 25 % VAT', async () => {
  const created = await subscribe('vat_coupon_upgrade', 'team-monthly-nok-ex', NORWEGIAN_BUSINESS);
  const coupon = await d.post('/subscriptions/vat_coupon_upgrade/coupon', { code: 'WELCOME20' });
  expect(coupon.status).toBe(200);
  await d.advanceTo(created.currentPeriod.end);
  const renewed = await d.until('vat_coupon_upgrade', (x) => x.periodIndex === 1 && x.latestInvoice?.status === 'paid', 'renewal');

  const discounted = await invoice(renewed.latestInvoice!.number);
  expectLinesAddUp(discounted);
  const discount = discounted.lines.find((line) => line.kind === 'discount')!;
  // 20 % of 1 000,00 excluding VAT, VAT on top.
  expect(discount).toMatchObject({ netCents: -20_000, taxCents: -5_000, amountCents: -25_000, taxRateBasisPoints: 2500, vatCategory: 'S' });
  expect(discounted).toMatchObject({ netCents: 80_000, taxCents: 20_000, subtotalCents: 100_000 });
  expect(discounted.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 80_000, taxCents: 20_000 }]);

  await d.advance(10 * DAY + 4_321);
  const change = await d.post('/subscriptions/vat_coupon_upgrade/plan', { plan: 'team-plus-monthly-nok-ex' });
  expect(change.status).toBe(200);
  expect(change.body.timing).toBe('now');
  const upgrade = await invoice(change.body.invoice.number);
  expectLinesAddUp(upgrade);
  const credit = upgrade.lines.find((line) => line.kind === 'proration_credit')!;
  const charge = upgrade.lines.find((line) => line.kind === 'proration_charge')!;
  // The unused time is given back at what was paid for it (after the discount, VAT included)…
  expect(credit.amountCents).toBe(-prorated(100_000, renewed.currentPeriod, change.body.effectiveAt));
  expect(credit).toMatchObject({ taxRateBasisPoints: 2500, vatCategory: 'S', taxCents: vatIn(credit.amountCents, 25) });
  // …and the rest of the period on the new plan is charged excluding VAT, with VAT on top.
  expect(charge.netCents).toBe(prorated(200_000, renewed.currentPeriod, change.body.effectiveAt));
  expect(charge).toMatchObject({ taxRateBasisPoints: 2500, vatCategory: 'S', taxCents: Math.round(charge.netCents * 0.25) });
  expect(upgrade.vatSummary).toEqual([{ vatCategory: 'S', rateBasisPoints: 2500, netCents: upgrade.netCents, taxCents: upgrade.taxCents }]);
  expect(upgrade.amountCents).toBe(charge.amountCents + credit.amountCents);
});

test('a refund is a numbered credit note taking back VAT in proportion, with a PDF naming the invoice it corrects and a valid EHF', async () => {
  const created = await subscribe('vat_refund', 'team-monthly-nok-ex', NORWEGIAN_BUSINESS);
  await d.advance(10 * DAY);
  const canceled = await d.post('/subscriptions/vat_refund/cancel', { when: 'now', refund: 'prorated' });
  expect(canceled.status).toBe(200);
  const refund = prorated(125_000, created.currentPeriod, canceled.body.endedAt);

  const inv = await invoice(created.latestInvoice!.number);
  expect(inv.creditNotes).toHaveLength(1);
  const [note] = inv.creditNotes;
  expect(note).toMatchObject({ kind: 'refund', amountCents: refund, invoiceNumber: inv.number });
  expect(note!.number).toMatch(/^CN-\d+$/);
  expect(note!.netCents + note!.taxCents).toBe(refund);
  expect(note!.taxCents).toBe(vatIn(refund, 25));

  const byNumber = await request(d.app).get(`/credit-notes/${note!.number}`);
  expect(byNumber.status).toBe(200);
  expect(byNumber.body).toMatchObject({ number: note!.number, amountCents: refund, taxCents: note!.taxCents });

  const { text } = await pdfOf(`/credit-notes/${note!.number}/pdf`, 'credit-note');
  expect(text).toContain('Kreditnota');
  expect(text).toMatch(new RegExp(`Kreditnota for faktura ${inv.number}\\b`));
  expect(text).toContain(note!.number);
  const xml = await expectValidUbl(`/credit-notes/${note!.number}/ubl`, 'credit-note');
  expect(xml).toContain('<CreditNote');
  expect(xml).toContain(inv.number);
});

describe('bad billing profiles', () => {
  const cases: Array<[string, Profile, string]> = [
    ['an organisation number with a wrong check digit', { ...NORWEGIAN_BUSINESS, organizationNumber: '974760674' }, 'organizationNumber'],
    ['a malformed EU VAT id', { ...SWEDISH_BUSINESS, vatId: 'SE55603607930' }, 'vatId'],
    ['a Norwegian business without an organisation number', { ...NORWEGIAN_BUSINESS, organizationNumber: undefined }, 'organizationNumber'],
    ['an unknown country code', { ...NORWEGIAN_CONSUMER, address: { lines: ['Somewhere 1'], postalCode: '1234', city: 'Nowhere', country: 'XX' } }, 'address.country'],
  ];

  test.each(cases)('%s is a 400 problem naming the field, and changes nothing', async (_what, profile, field) => {
    const id = `vat_bad_${field.replace(/\W/g, '_')}_${cases.findIndex(([, p]) => p === profile)}`;
    await subscribe(id, 'pro-monthly-nok', NORWEGIAN_CONSUMER);
    const before = await request(d.app).get(`/customers/cus_${id}`);
    expect(before.status).toBe(200);

    const put = await request(d.app).put(`/customers/cus_${id}/billing-profile`).send(profile);
    expect(put.status).toBe(400);
    expect(put.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(put.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await request(d.app).get(`/customers/cus_${id}`)).body).toEqual(before.body);

    // Nor does a sign-up carrying it create anything.
    const signUp = await request(d.app)
      .post('/subscriptions')
      .send({ id: `${id}_new`, customer: { id: `cus_${id}_new`, email: `${id}_new@example.com`, billingProfile: profile }, plan: 'pro-monthly-nok', paymentMethod: 'pm_card_visa' });
    expect(signUp.status).toBe(400);
    expect(signUp.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: `customer.billingProfile.${field}` })]));
    expect(await h.db.prisma.customer.count({ where: { id: `cus_${id}_new` } })).toBe(0);
    expect(await h.db.prisma.subscription.count({ where: { id: `${id}_new` } })).toBe(0);
  });
});
