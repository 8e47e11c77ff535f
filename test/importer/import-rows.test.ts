import request from 'supertest';
import type { Express } from 'express';
import { parseCsv } from '../../importer/csv';
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
