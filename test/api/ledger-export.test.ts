// GET /exports/ledger against invoices, payments and credit notes written by the billing
// activities themselves: the CSV ties out to the invoices' own totals and VAT summaries.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Express } from 'express';
import request from 'supertest';
import { createActivities } from '../../activities';
import { buildInvoice, DEFAULT_SELLER_TAX, type InvoiceLineDraft } from '../../domain/invoice';
import { LEDGER_COLUMNS } from '../../domain/ledger';
import type { BillingProfile, InvoiceDocument, TaxCategory } from '../../domain/tax/types';
import { ledgerCsv } from '../../api/services/ledger-export';
import { parseCsv } from '../../importer/csv';
import type { Prisma } from '../../prisma/generated/client';
import type { Harness } from '../support/harness';
import { createTestApiKey, rawTestApp, startHarness, testApp } from '../support/harness';

let h: Harness;
let app: Express;
let activities: ReturnType<typeof createActivities>;
/** Activities log through their context: they run in a mock one, as the worker would run them. */
const inActivity = <I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> =>
  new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(activity, input);
beforeAll(async () => {
  h = await startHarness();
  app = testApp(h);
  activities = createActivities(h.deps);
  await seed();
});
afterAll(async () => {
  await h?.teardown();
});

const MARCH = { from: '2030-03-01', to: '2030-03-31' };

const address = (country: string) => ({ lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country });
const PROFILES: Record<string, BillingProfile | null> = {
  led_no: { legalName: 'Fjord, Fisk & "Vann" AS', kind: 'business', organizationNumber: '974760673', address: address('NO'), version: 1 },
  led_se: { legalName: 'Svensk Bolag AB', kind: 'business', vatId: 'SE556036079301', address: { ...address('SE'), city: 'Stockholm' }, version: 1 },
  led_oss: { legalName: 'Sven Svensson', kind: 'consumer', address: { ...address('SE'), city: 'Malmö' }, version: 1 },
  led_plain: null,
};

const line = (amountCents: number, category: TaxCategory = 'standard', kind: InvoiceLineDraft['kind'] = 'subscription'): InvoiceLineDraft => ({
  kind,
  description: `${kind} ${category}`,
  quantity: 1,
  amountCents,
  tax: { category, inclusive: false },
});

let issued = 0;
/** Issues an invoice through the activity the workflow uses; returns its workflow reference. */
async function issue(subscription: string, at: string, lines: InvoiceLineDraft[]): Promise<string> {
  issued += 1;
  const header = {
    number: `INV-${subscription}-${String(issued).padStart(4, '0')}`,
    subscriptionId: subscription,
    customerId: `cus_${subscription}`,
    periodIndex: null,
    billingReason: 'subscription_update' as const,
    period: { start: at, end: at },
    currency: 'NOK',
    issuedAt: at,
  };
  const { draft } = buildInvoice(header, { seller: DEFAULT_SELLER_TAX, buyer: PROFILES[subscription] ?? null, issuedAt: at }, lines, 0);
  await inActivity(activities.issueInvoice, { draft, credit: [] });
  return header.number;
}

async function seed(): Promise<void> {
  for (const [id, billingProfile] of Object.entries(PROFILES)) {
    await h.db.prisma.customer.create({
      data: { id: `cus_${id}`, email: `${id}@example.com`, name: id === 'led_plain' ? '=Plain Customer' : null, ...(billingProfile ? { billingProfile: billingProfile as unknown as Prisma.InputJsonValue } : {}) },
    });
    await h.db.prisma.subscription.create({
      data: { id, workflowId: `subscription-${id}`, customerId: `cus_${id}`, planCode: 'pro-monthly', status: 'active', paymentMethod: 'pm_card_visa' },
    });
  }
  // Just outside the period on either side.
  await issue('led_no', '2030-02-28T23:59:59.999Z', [line(10_000)]);
  await issue('led_no', '2030-04-01T00:00:00.000Z', [line(10_000)]);
  // Three Norwegian rates and a proration credit on one invoice.
  await issue('led_no', '2030-03-02T10:00:00.000Z', [line(100_000), line(20_000, 'reduced_middle'), line(10_000, 'reduced_low'), line(-5_000, 'standard', 'proration_credit')]);
  const reverseCharged = await issue('led_se', '2030-03-02T23:59:59.999Z', [line(50_000)]);
  await issue('led_oss', '2030-03-04T08:00:00.000Z', [line(8_000)]);
  const paid = await issue('led_plain', '2030-03-05T12:00:00.000Z', [line(29_900)]);
  const charged = await inActivity(activities.chargeInvoice, {
    invoiceNumber: paid,
    attempt: 1,
    idempotencyKey: `subscription-led_plain/${paid}/1`,
    paymentMethod: 'pm_card_visa',
    amountCents: 37_375,
    currency: 'NOK',
    claimsPeriodIndex: null,
    at: '2030-03-06T09:00:00.000Z',
  });
  expect(charged.outcome).toBe('succeeded');
  await inActivity(activities.refundInvoice, { invoiceNumber: paid, amountCents: 10_000, idempotencyKey: `subscription-led_plain/${paid}/refund`, periodIndex: 0, at: '2030-03-10T15:00:00.000Z' });
  await inActivity(activities.setInvoiceStatus, { invoiceNumber: reverseCharged, status: 'void', at: '2030-03-20T00:00:00.000Z', credit: [] });
}

const exported = (query: Record<string, string>) => request(app).get('/exports/ledger').query(query);

/** The CSV's rows by column name, amounts in minor units (absent: an empty cell). */
async function ledger(query = MARCH) {
  const res = await exported(query);
  expect(res.status).toBe(200);
  const { header, rows } = parseCsv(res.text);
  expect(header).toEqual([...LEDGER_COLUMNS]);
  return rows.map(({ values }) => values);
}

const cents = (value: string | undefined) => (value === undefined ? undefined : Math.round(Number(value) * 100));
const sum = (rows: Array<Record<string, string>>, column: string) => rows.reduce((total, row) => total + (cents(row[column]) ?? 0), 0);

describe('GET /exports/ledger', () => {
  test('answers a CSV attachment named after the period, with a row per invoice, credit note, payment and refund in it, sorted by date, type and number', async () => {
    const res = await exported(MARCH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="ledger-2030-03-01-2030-03-31.csv"');
    expect(res.text.split('\r\n')[0]).toBe(LEDGER_COLUMNS.join(','));

    const rows = await ledger();
    const invoices = await h.db.prisma.invoice.findMany({ where: { createdAt: { gte: new Date('2030-03-01'), lt: new Date('2030-04-01') } }, orderBy: { sequence: 'asc' } });
    const notes = await h.db.prisma.creditNote.findMany({ orderBy: { sequence: 'asc' } });
    const refund = notes.find((note) => note.kind === 'refund')!;
    const voided = notes.find((note) => note.kind === 'void')!;
    const payment = await h.db.prisma.paymentAttempt.findFirstOrThrow({ where: { outcome: 'succeeded', invoice: { customerId: 'cus_led_plain' } } });
    const number = (reference: string) => invoices.find((invoice) => invoice.reference === reference)?.number;
    expect(rows.map((row) => [row.date, row.type, row.document_number, row.reference])).toEqual([
      ['2030-03-02', 'invoice', invoices[0]!.number, invoices[0]!.number],
      ['2030-03-02', 'invoice', invoices[1]!.number, invoices[1]!.number],
      ['2030-03-04', 'invoice', invoices[2]!.number, invoices[2]!.number],
      ['2030-03-05', 'invoice', invoices[3]!.number, invoices[3]!.number],
      ['2030-03-06', 'payment', payment.gatewayChargeId, invoices[3]!.number],
      ['2030-03-10', 'credit_note', refund.number, invoices[3]!.number],
      ['2030-03-10', 'refund', refund.gatewayRefundId, invoices[3]!.number],
      ['2030-03-20', 'credit_note', voided.number, number('INV-led_se-0004')],
    ]);
  });

  test("the invoices' gross sums to their subtotals, and their VAT per rate to their VAT summaries", async () => {
    const rows = (await ledger()).filter((row) => row.type === 'invoice');
    const invoices = await h.db.prisma.invoice.findMany({ where: { createdAt: { gte: new Date('2030-03-01'), lt: new Date('2030-04-01') } } });
    const summaries = invoices.flatMap((invoice) => {
      const document = invoice.document as unknown as InvoiceDocument;
      return document.vatSummary.map((row) => ({ ...row, oss: document.treatment === 'oss' }));
    });
    const domestic = (rate: number, field: 'netCents' | 'taxCents') => summaries.filter((row) => !row.oss && row.rateBasisPoints === rate).reduce((total, row) => total + row[field], 0);

    expect(sum(rows, 'gross_amount')).toBe(invoices.reduce((total, invoice) => total + invoice.subtotalCents, 0));
    expect(sum(rows, 'net_amount')).toBe(invoices.reduce((total, invoice) => total + invoice.netCents, 0));
    expect(sum(rows, 'vat_amount')).toBe(invoices.reduce((total, invoice) => total + invoice.taxCents, 0));
    for (const rate of [25, 15, 12]) {
      expect([rate, sum(rows, `net_${rate}`), sum(rows, `vat_${rate}`)]).toEqual([rate, domestic(rate * 100, 'netCents'), domestic(rate * 100, 'taxCents')]);
      expect(domestic(rate * 100, 'taxCents')).toBeGreaterThan(0);
    }
    expect(sum(rows, 'net_0')).toBe(domestic(0, 'netCents'));
    const oss = summaries.filter((row) => row.oss);
    expect([sum(rows, 'net_other'), sum(rows, 'vat_other')]).toEqual([oss.reduce((t, row) => t + row.netCents, 0), oss.reduce((t, row) => t + row.taxCents, 0)]);
    // Every row's columns add up to its totals.
    for (const row of rows) {
      const net = ['net_25', 'net_15', 'net_12', 'net_0', 'net_other'].reduce((total, column) => total + cents(row[column])!, 0);
      const vat = ['vat_25', 'vat_15', 'vat_12', 'vat_other'].reduce((total, column) => total + cents(row[column])!, 0);
      expect([row.document_number, net, vat, net + vat]).toEqual([row.document_number, cents(row.net_amount), cents(row.vat_amount), cents(row.gross_amount)]);
    }
  });

  test('credit notes and refunds are negative; a payment is the money that came in, without VAT columns', async () => {
    const rows = await ledger();
    const notes = await h.db.prisma.creditNote.findMany();
    const creditNotes = rows.filter((row) => row.type === 'credit_note');
    expect(sum(creditNotes, 'gross_amount')).toBe(-notes.reduce((total, note) => total + note.amountCents, 0));
    expect(sum(creditNotes, 'vat_amount')).toBe(-notes.reduce((total, note) => total + note.taxCents, 0));
    expect(creditNotes.every((row) => cents(row.gross_amount)! < 0 && cents(row.net_amount)! < 0)).toBe(true);

    const refund = notes.find((note) => note.kind === 'refund')!;
    const [refundRow] = rows.filter((row) => row.type === 'refund');
    expect(refundRow).toMatchObject({ gross_amount: (-refund.amountCents / 100).toFixed(2), currency: 'NOK' });
    const [paymentRow] = rows.filter((row) => row.type === 'payment');
    expect(paymentRow).toMatchObject({ gross_amount: '373.75' });
    for (const movement of [refundRow!, paymentRow!]) {
      expect(['net_amount', 'vat_amount', 'net_25', 'vat_25', 'net_0', 'vat_code'].map((column) => movement[column])).toEqual(Array(6).fill(undefined));
    }
  });

  test('names the customer as the invoice addressed them, with their organisation number or VAT id, and the VAT codes of each document', async () => {
    const rows = (await ledger()).filter((row) => row.type === 'invoice');
    expect(rows.map((row) => [row.customer_id, row.customer_name, row.customer_organization_number, row.customer_vat_id, row.vat_code])).toEqual([
      ['cus_led_no', 'Fjord, Fisk & "Vann" AS', '974760673', undefined, 'S:25|S:15|S:12'],
      ['cus_led_se', 'Svensk Bolag AB', undefined, 'SE556036079301', 'AE:0'],
      ['cus_led_oss', 'Sven Svensson', undefined, undefined, 'S:25@SE'],
      // A name a spreadsheet would run as a formula is defused.
      ['cus_led_plain', "'=Plain Customer", undefined, undefined, 'S:25'],
    ]);
    const [reverseCharged] = rows.filter((row) => row.vat_code === 'AE:0');
    expect([reverseCharged!.net_0, reverseCharged!.vat_amount, reverseCharged!.gross_amount]).toEqual(['500.00', '0.00', '500.00']);
  });

  test('a day is a UTC day and both ends are included', async () => {
    const second = await ledger({ from: '2030-03-02', to: '2030-03-02' });
    expect(second.map((row) => row.customer_id)).toEqual(['cus_led_no', 'cus_led_se']);
    const edges = await ledger({ from: '2030-02-28', to: '2030-04-01' });
    expect(edges.map((row) => row.date ?? '').filter((date) => !date.startsWith('2030-03'))).toEqual(['2030-02-28', '2030-04-01']);
    expect(await ledger({ from: '2031-01-01', to: '2031-01-31' })).toEqual([]);
  });

  test('reads in pages: the CSV is the same whatever the page size, a page a chunk', async () => {
    const chunks = async (pageSize?: number) => {
      const read: string[] = [];
      for await (const chunk of ledgerCsv(h.db.prisma, { from: '2030-02-01', to: '2030-04-30' }, pageSize)) read.push(chunk);
      return read;
    };
    const whole = await chunks();
    const paged = await chunks(3);
    expect(whole).toHaveLength(1);
    // 10 rows in pages of 3: four pages, the last one short.
    expect(paged).toHaveLength(4);
    expect(paged.join('')).toBe(whole.join(''));
  });

  test('needs an API key with read scope', async () => {
    const raw = rawTestApp(h);
    expect((await request(raw).get('/exports/ledger').query(MARCH)).status).toBe(401);
    const { key } = await createTestApiKey(h, ['read']);
    expect((await request(raw).get('/exports/ledger').query(MARCH).set('authorization', `Bearer ${key}`)).status).toBe(200);
  });

  test.each([
    ['no dates', {}, ['from', 'to']],
    ['a date that does not exist', { from: '2030-02-29', to: '2030-03-31' }, ['from']],
    ['a date and time', { from: '2030-03-01T00:00:00Z', to: '2030-03-31' }, ['from']],
    ['to before from', { from: '2030-03-31', to: '2030-03-01' }, ['to']],
    ['367 days', { from: '2028-01-01', to: '2029-01-01' }, ['to']],
    ['an unknown parameter', { ...MARCH, format: 'xlsx' }, ['(body)']],
  ])('%s is a 400 problem naming the field', async (_what, query, fields) => {
    const res = await exported(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('/problems/validation-error');
    expect((res.body.errors as Array<{ field: string }>).map((error) => error.field)).toEqual(fields);
  });

  test('a leap year of 366 days is one export', async () => {
    expect((await exported({ from: '2028-01-01', to: '2028-12-31' })).status).toBe(200);
  });
});
