// Catalogue lists at 10,000 entries: how long the admin list endpoints take to answer over HTTP on
// loopback (the API in this process, an embedded PostgreSQL), for the first page, a page deep in
// the keyset, and each filter, with 10,000 plans, add-ons and coupons on top of the seeded ones.
// `npm run bench -- catalogue`, or alone: `node --import tsx bench/catalogue-lists.ts`.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApiKey } from '../api/auth-keys';
import { createApp } from '../api/app';
import { DEFAULT_POLICY } from '../domain/subscription';
import { prepareDatabase } from '../infra/bootstrap';
import { createPrismaClient, type PrismaClient } from '../infra/database';
import { startEmbeddedPostgresOnFreePort } from '../infra/embedded-postgres';
import { machine } from './support/machine';
import { consoleTable, fixed, percentile, seconds, type BenchResult } from './support/report';
import { intSetting } from './support/settings';
import { SignUpStarts } from '../api/services/sign-up-starts';

const log = (message: string) => console.error(`[bench:catalogue] ${message}`);

const PRODUCTS = 100;
const CURRENCIES = ['EUR', 'NOK', 'SEK', 'USD'];

/** `entries` of each kind, in batches: codes sort in creation order, products and currencies spread evenly. */
async function fill(prisma: PrismaClient, entries: number): Promise<void> {
  await prisma.product.createMany({ data: Array.from({ length: PRODUCTS }, (_, i) => ({ code: `bench-product-${i}`, name: `Bench product ${i}` })) });
  const batch = 1_000;
  for (let start = 0; start < entries; start += batch) {
    const n = Array.from({ length: Math.min(batch, entries - start) }, (_, i) => start + i);
    const id = (i: number) => String(i).padStart(5, '0');
    await prisma.plan.createMany({
      data: n.map((i) => ({
        code: `bench-plan-${id(i)}`,
        name: `Bench plan ${id(i)}`,
        product: `bench-product-${i % PRODUCTS}`,
        tier: i % 5,
        intervalUnit: i % 2 ? 'month' : 'year',
        amountCents: 1_000 + i,
        currency: CURRENCIES[i % CURRENCIES.length]!,
        active: i % 10 !== 0,
      })),
    });
    await prisma.addOn.createMany({
      data: n.map((i) => ({ code: `bench-addon-${id(i)}`, name: `Bench add-on ${id(i)}`, kind: (['recurring', 'one_time', 'metered'] as const)[i % 3]!, prices: { EUR: 100 + i }, metric: i % 3 === 1 ? null : 'seats' })),
    });
    await prisma.coupon.createMany({
      data: n.map((i) =>
        i % 2
          ? { code: `BENCH${id(i)}`, name: `Bench coupon ${id(i)}`, percentOff: 1 + (i % 100), duration: 'once' as const }
          : { code: `BENCH${id(i)}`, name: `Bench coupon ${id(i)}`, amountOffCents: 100, currency: CURRENCIES[(i / 2) % CURRENCIES.length]!, duration: 'forever' as const },
      ),
    });
  }
}

export async function catalogueLists(): Promise<BenchResult> {
  const entries = intSetting('BENCH_CATALOGUE_ENTRIES', 10_000);
  const calls = intSetting('BENCH_CATALOGUE_CALLS', 300);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-catalogue-'));
  const postgres = await startEmbeddedPostgresOnFreePort({ dataDir: path.join(dir, 'pg'), persistent: false });
  let prisma: PrismaClient | undefined;
  let server: ReturnType<ReturnType<typeof createApp>['listen']> | undefined;
  try {
    await postgres.createDatabase('bench');
    const url = postgres.urlFor('bench');
    await prepareDatabase(url);
    prisma = createPrismaClient(url);
    log(`inserting ${entries} plans, add-ons and coupons`);
    const fillStarted = Date.now();
    await fill(prisma, entries);
    const fillMs = Date.now() - fillStarted;
    await prisma.$executeRawUnsafe('ANALYZE');

    const key = (await createApiKey(prisma, { name: 'bench catalogue', scopes: ['read'] })).key;
    // The list endpoints read the database only: no Temporal client is needed.
    const app = createApp({
      prisma,
      temporal: {} as Client,
      taskQueue: 'none',
      signUpStarts: new SignUpStarts({ prisma, temporal: {} as Client, taskQueue: 'none' }),
      policy: DEFAULT_POLICY,
      clock: async () => new Date(),
      links: { publicUrl: 'http://127.0.0.1', secret: 'bench-catalogue' },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (pathAndQuery: string) => {
      const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { data: unknown[]; nextCursor: string | null };
      if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };

    // A cursor half-way through the plans, found by paging: the keyset seek must not cost more there.
    let cursor: string | null = null;
    for (let page = 0; page < Math.floor(entries / 200); page += 1) cursor = (await call(`/plans?status=all&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;

    const shapes: Array<[string, string]> = [
      ['GET /plans (first page of 100)', '/plans'],
      ['GET /plans, a page half-way (cursor)', `/plans?status=all&cursor=${cursor}`],
      ['GET /plans?product=…', '/plans?product=bench-product-42'],
      ['GET /plans?currency=SEK&status=archived', '/plans?currency=SEK&status=archived'],
      ['GET /plans?q=bench-plan-09 (code prefix)', '/plans?q=bench-plan-09'],
      ['GET /add-ons?kind=metered', '/add-ons?kind=metered'],
      ['GET /coupons?currency=NOK', '/coupons?currency=NOK'],
      ['GET /coupons?q=bench coupon 05 (name prefix, any case)', `/coupons?q=${encodeURIComponent('bench coupon 05')}`],
      ['GET /products', '/products'],
    ];
    const rows: Array<[string, string]> = [
      ['entries of each kind (plans, add-ons, coupons)', `${entries} (+ the seeded catalogue)`],
      ['inserted in', seconds(fillMs)],
    ];
    for (const [label, target] of shapes) {
      for (let i = 0; i < 20; i += 1) await call(target);
      const times: number[] = [];
      for (let i = 0; i < calls; i += 1) {
        const started = process.hrtime.bigint();
        const body = await call(target);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (body.data.length === 0) throw new Error(`GET ${target} found nothing: the bench measures nothing`);
      }
      times.sort((a, b) => a - b);
      rows.push([`${label}: p50 / p99`, `${fixed(percentile(times, 50), 2)} / ${fixed(percentile(times, 99), 2)} ms`]);
    }
    return {
      title: 'Catalogue lists at 10,000 entries',
      rows,
      notes: [
        `Each figure: ${calls} calls one after another (after 20 warm-up calls), over HTTP on loopback to the API in the bench process, with a read key; every answer a page of up to 100 entries.`,
        `Plans spread over ${PRODUCTS} products and ${CURRENCIES.length} currencies, one in ten archived; add-ons of the three kinds; coupons half percent, half amount off in the ${CURRENCIES.length} currencies.`,
        'Keyset pages in (createdAt, code) order; status, product and currency each have an index ending in (createdAt, code) (migration 20261204160000_catalogue_admin). The add-on kind, the code prefix and the name prefix (case-insensitive) filter while the created-order index is read, until a page is full.',
        `${machine().cores} cores shared with PostgreSQL.`,
      ],
    };
  } finally {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await prisma?.$disconnect();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  catalogueLists().then(
    (result) => {
      console.log(consoleTable(result));
      process.exit();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
