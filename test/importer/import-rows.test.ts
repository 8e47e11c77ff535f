import request from 'supertest';
import type { Express } from 'express';
import { CsvError, parseCsv } from '../../importer/csv';
import { ImportRefused, importRows, type Post } from '../../importer/import-rows';
import type { Harness } from '../support/harness';
import { startHarness, testApp } from '../support/harness';

let h: Harness;
let app: Express;
beforeAll(async () => {
  h = await startHarness();
  app = testApp(h);
});
afterAll(async () => {
  await h?.teardown();
});

const DAY = 86_400_000;
const post: Post = async (path, body) => {
  const res = await request(app).post(path).send(body as object);
  return { status: res.status, body: res.body as unknown };
};
const inDays = async (days: number) => new Date((await h.env.currentTimeMs()) + days * DAY).toISOString();
const csv = (lines: string[]) => parseCsv(['id,email,name,plan,paymentMethod,currentPeriodEnd', ...lines].join('\n')).rows;

test('a file of 150 rows is imported in two requests, and importing it again writes nothing twice', async () => {
  const paidUntil = await inDays(12);
  const rows = csv(Array.from({ length: 150 }, (_, i) => `csv_${i},csv${i}@example.com,"Customer ${i}, Ltd",basic-monthly,pm_card_visa,${paidUntil}`));
  const progress: number[] = [];
  expect(await importRows(rows, post, { onProgress: (p) => progress.push(p.rows) })).toEqual({ rows: 150, created: 150, existing: 0 });
  expect(progress).toEqual([100, 150]);
  const row = await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: 'csv_42' }, include: { customer: true } });
  expect(row).toMatchObject({ status: 'active', planCode: 'basic-monthly', currentPeriodEnd: new Date(paidUntil), customer: { name: 'Customer 42, Ltd' } });

  expect(await importRows(rows, post)).toEqual({ rows: 150, created: 0, existing: 150 });
  expect(await h.db.prisma.subscription.count({ where: { id: { startsWith: 'csv_' } } })).toBe(150);
});

test('a refused row is reported by its line and column; the batches before it are imported, its own batch is not', async () => {
  const paidUntil = await inDays(12);
  const good = (i: number) => `bad_${i},bad${i}@example.com,,basic-monthly,pm_card_visa,${paidUntil}`;
  const lines = Array.from({ length: 104 }, (_, i) => good(i));
  lines[102] = `bad_102,bad102@example.com,,basic-monthly,pm_card_visa,${await inDays(-3)}`; // line 104 of the file
  const attempt = importRows(csv(lines), post);
  await expect(attempt).rejects.toThrow(ImportRefused);
  await expect(attempt).rejects.toThrow(/^line 104, currentPeriodEnd: must be in the future/);
  await expect(attempt).rejects.toThrow('Nothing from lines 102–105 was imported; the rows before were.');
  expect(await h.db.prisma.subscription.count({ where: { id: { startsWith: 'bad_' } } })).toBe(100);
});

test('a transient answer is retried (the request is idempotent), a refusal is not', async () => {
  const paidUntil = await inDays(12);
  const rows = csv([`retry_1,retry1@example.com,,basic-monthly,pm_card_visa,${paidUntil}`]);
  const answers = [503, 429];
  const waits: number[] = [];
  const flaky: Post = async (path, body) => (answers.length > 0 ? { status: answers.shift()!, body: {}, retryAfterSeconds: 1 } : post(path, body));
  expect(await importRows(rows, flaky, { sleep: async (ms) => void waits.push(ms) })).toEqual({ rows: 1, created: 1, existing: 0 });
  expect(waits).toEqual([1000, 1000]);

  let calls = 0;
  const refusing: Post = async () => {
    calls += 1;
    return { status: 409, body: { detail: 'nothing was imported: subscriptions.0: subscription retry_1 already exists with another plan' } };
  };
  await expect(importRows(rows, refusing, { sleep: async () => undefined })).rejects.toThrow('line 2: subscription retry_1 already exists with another plan');
  expect(calls).toBe(1);
});

describe('billing-profile columns', () => {
  const PROFILE_HEADER = 'id,email,plan,paymentMethod,currentPeriodEnd,legal_name,customer_type,organization_number,vat_id,address_line1,address_line2,postal_code,city,country,language';
  const profileCsv = (lines: string[]) => parseCsv([PROFILE_HEADER, ...lines].join('\n')).rows;

  test("a row with a legal name sets its customer's billing profile; a row without one leaves the customer without", async () => {
    const paidUntil = await inDays(12);
    const rows = profileCsv([
      `bp_1,bp1@example.com,basic-monthly,pm_card_visa,${paidUntil},Fjord Fisk AS,business,974 760 673,,Storgata 1,Postboks 7,0155,Oslo,no,nb`,
      `bp_2,bp2@example.com,basic-monthly,pm_card_visa,${paidUntil},,,,,,,,,,`,
    ]);
    expect(await importRows(rows, post)).toEqual({ rows: 2, created: 2, existing: 0 });
    const customer = async (id: string) => (await h.db.prisma.subscription.findUniqueOrThrow({ where: { id }, include: { customer: true } })).customer;
    expect((await customer('bp_1')).billingProfile).toEqual({
      legalName: 'Fjord Fisk AS',
      kind: 'business',
      organizationNumber: '974760673',
      address: { lines: ['Storgata 1', 'Postboks 7'], postalCode: '0155', city: 'Oslo', country: 'NO' },
      language: 'nb',
    });
    expect((await customer('bp_2')).billingProfile).toBeNull();
  });

  test('a legal name without its address is refused by line and column before anything is sent', async () => {
    const paidUntil = await inDays(12);
    const sent: unknown[] = [];
    const recording: Post = async (path, body) => {
      sent.push(body);
      return post(path, body);
    };
    const rows = profileCsv([
      `bp_3,bp3@example.com,basic-monthly,pm_card_visa,${paidUntil},,,,,,,,,,`,
      `bp_4,bp4@example.com,basic-monthly,pm_card_visa,${paidUntil},Fjord Fisk AS,business,974760673,,,,0155,Oslo,NO,`,
    ]);
    const attempt = importRows(rows, recording);
    await expect(attempt).rejects.toThrow(CsvError);
    await expect(attempt).rejects.toThrow('line 3, address_line1: required when legal_name is filled in\nNothing was imported.');
    expect(sent).toEqual([]);
  });

  test("an identifier the API refuses is reported by the file's line and column", async () => {
    const paidUntil = await inDays(12);
    const rows = profileCsv([`bp_5,bp5@example.com,basic-monthly,pm_card_visa,${paidUntil},Fjord Fisk AS,business,974760674,,Storgata 1,,0155,Oslo,NO,`]);
    await expect(importRows(rows, post)).rejects.toThrow(/^line 2, organization_number: must be a Norwegian organisation number/);
    expect(await h.db.prisma.subscription.count({ where: { id: 'bp_5' } })).toBe(0);
  });
});
