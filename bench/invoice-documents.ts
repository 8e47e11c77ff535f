// Invoice documents: how fast invoices are finalized (legal number from the gapless series, lines
// with VAT, the document JSON, in one transaction) by four workers against an embedded PostgreSQL,
// and how fast and how memory-hungry rendering their PDF and EHF (UBL) is, in this process.
// `npm run bench -- documents`, or alone: `node --expose-gc --import tsx bench/invoice-documents.ts`.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../activities/deps';
import { createInvoiceActivities } from '../activities/invoices';
import { renderInvoicePdf } from '../documents/invoice-pdf';
import { renderUbl } from '../documents/ubl';
import { buildInvoice, DEFAULT_SELLER_TAX, invoiceNumber, type InvoiceLineDraft } from '../domain/invoice';
import type { BillingProfile, InvoiceDocument } from '../domain/tax/types';
import { prepareDatabase } from '../infra/bootstrap';
import { createPrismaClient, type PrismaClient } from '../infra/database';
import { eachLimited } from '../infra/each-limited';
import { startEmbeddedPostgresOnFreePort } from '../infra/embedded-postgres';
import { mib } from './support/rss';
import { machine } from './support/machine';
import { consoleTable, fixed, seconds, type BenchResult } from './support/report';
import { intSetting } from './support/settings';

const WORKERS = 4;
const AT = '2026-12-01T00:00:00.000Z';
const PERIOD = { start: AT, end: '2027-01-01T00:00:00.000Z' };
const BUYER: BillingProfile = {
  legalName: 'Fjordkraft Testbedrift AS',
  kind: 'business',
  organizationNumber: '974760673',
  address: { lines: ['Bryggen 5'], postalCode: '5003', city: 'Bergen', country: 'NO' },
  version: 1,
};
/** A typical invoice: a plan excluding VAT, an add-on, a discount on both. */
const LINES: InvoiceLineDraft[] = [
  { kind: 'subscription', description: 'Team monthly, 2026-12-01 – 2027-01-01', quantity: 1, amountCents: 100_000, periodStart: PERIOD.start, periodEnd: PERIOD.end, itemName: 'Team monthly', tax: { category: 'standard', inclusive: false } },
  { kind: 'addon', description: 'Extra seat × 3', quantity: 3, amountCents: 15_000, periodStart: PERIOD.start, periodEnd: PERIOD.end, itemName: 'Extra seat', tax: { category: 'standard', inclusive: false } },
  { kind: 'discount', description: 'Discount: 20% off for 3 months', quantity: 1, amountCents: -23_000, itemName: '20% off for 3 months', tax: { category: 'standard', inclusive: false } },
];

const log = (message: string) => console.error(`[bench:documents] ${message}`);

function draft(n: number) {
  return buildInvoice(
    { number: invoiceNumber('sub_bench_docs', n), subscriptionId: 'sub_bench_docs', customerId: 'cus_bench_docs', periodIndex: null, billingReason: 'subscription_update', period: PERIOD, currency: 'NOK', issuedAt: AT },
    { seller: DEFAULT_SELLER_TAX, buyer: BUYER, issuedAt: AT },
    LINES,
    0,
  ).draft;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function finalizeMany(workers: PrismaClient[], count: number, first: number): Promise<number> {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const activities = workers.map((prisma) => createInvoiceActivities({ prisma, temporal: { client: null, taskQueue: 'none' } } as unknown as ActivityDeps));
  const jobs = Array.from({ length: count }, (_, i) => ({ n: first + i, worker: activities[i % workers.length]! }));
  const started = performance.now();
  // One finalization in flight per worker, as four worker processes with one activity slot each.
  await eachLimited(jobs, workers.length, async ({ n, worker }) => {
    await env.run(worker.issueInvoice, { draft: draft(n), credit: [] });
  });
  return performance.now() - started;
}

interface RenderFigures {
  ms: number;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  heapBefore: number;
  heapAfter: number;
  heapPeak: number;
  bytes: number;
}

async function renderMany(count: number, render: () => Promise<Buffer | string>): Promise<RenderFigures> {
  gc();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const output = await render();
    bytes = output.length;
    const now = process.memoryUsage();
    rssPeak = Math.max(rssPeak, now.rss);
    heapPeak = Math.max(heapPeak, now.heapUsed);
  }
  const ms = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  return { ms, rssBefore: before.rss, rssAfter: after.rss, rssPeak, heapBefore: before.heapUsed, heapAfter: after.heapUsed, heapPeak, bytes };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const signedKib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${kib(Math.abs(bytes))}`;

export async function invoiceDocuments(): Promise<BenchResult> {
  const invoices = intSetting('BENCH_DOCUMENTS_INVOICES', 500);
  const pdfRenders = intSetting('BENCH_DOCUMENTS_PDF_RENDERS', 200);
  const ublRenders = intSetting('BENCH_DOCUMENTS_UBL_RENDERS', 1000);
  const warmUp = 20;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-documents-'));
  const postgres = await startEmbeddedPostgresOnFreePort({ dataDir: path.join(dir, 'pg'), persistent: false });
  const workers: PrismaClient[] = [];
  try {
    await postgres.createDatabase('bench');
    const url = postgres.urlFor('bench');
    await prepareDatabase(url);
    workers.push(...Array.from({ length: WORKERS }, () => createPrismaClient(url)));
    const prisma = workers[0]!;
    await prisma.customer.create({ data: { id: 'cus_bench_docs', email: 'docs@example.com', name: 'Docs', billingProfile: BUYER as object, billingProfileVersion: 1 } });
    await prisma.subscription.create({
      data: { id: 'sub_bench_docs', workflowId: 'subscription-sub_bench_docs', customerId: 'cus_bench_docs', planCode: 'pro-monthly-nok', status: 'active', paymentMethod: 'pm_card_visa' },
    });

    log(`finalizing ${warmUp} + ${invoices} invoices with ${WORKERS} workers`);
    await finalizeMany(workers, warmUp, 1);
    const finalizeMs = await finalizeMany(workers, invoices, warmUp + 1);
    const rows = await prisma.invoice.findMany({ select: { sequence: true }, orderBy: { sequence: 'asc' } });
    if (rows.length !== warmUp + invoices || rows.some((row, i) => row.sequence !== i + 1)) throw new Error('the invoice series has gaps or repeats');

    const { document } = await prisma.invoice.findFirstOrThrow({ where: { sequence: warmUp + 1 } });
    const doc = document as unknown as InvoiceDocument;
    log(`rendering ${warmUp} + ${pdfRenders} PDFs`);
    await renderMany(warmUp, () => renderInvoicePdf(doc));
    const pdf = await renderMany(pdfRenders, () => renderInvoicePdf(doc));
    log(`rendering ${warmUp} + ${ublRenders} UBL documents`);
    await renderMany(warmUp, async () => renderUbl(doc));
    const ubl = await renderMany(ublRenders, async () => renderUbl(doc));

    const perSecond = (count: number, ms: number) => fixed((count * 1000) / ms, 0);
    return {
      title: 'Invoice documents: finalization, PDF and EHF',
      rows: [
        ['invoices finalized (4 workers)', `${invoices} in ${seconds(finalizeMs)}`],
        ['invoices finalized per second', perSecond(invoices, finalizeMs)],
        ['finalization, mean per invoice per worker', `${fixed((finalizeMs * WORKERS) / invoices, 1)} ms`],
        ['PDF renders per second (one at a time)', perSecond(pdfRenders, pdf.ms)],
        ['PDF render, mean', `${fixed(pdf.ms / pdfRenders, 1)} ms (${kib(pdf.bytes)} each)`],
        ['RSS over the PDF renders', `${mib(pdf.rssBefore)} → ${mib(pdf.rssAfter)} (peak ${mib(pdf.rssPeak)})`],
        ['RSS kept per PDF render', signedKib((pdf.rssAfter - pdf.rssBefore) / pdfRenders)],
        ['heap over the PDF renders', `${mib(pdf.heapBefore)} → ${mib(pdf.heapAfter)} (peak ${mib(pdf.heapPeak)})`],
        ['heap kept per PDF render (after GC)', signedKib((pdf.heapAfter - pdf.heapBefore) / pdfRenders)],
        ['UBL renders per second', perSecond(ublRenders, ubl.ms)],
        ['UBL render, mean', `${fixed(ubl.ms / ublRenders, 2)} ms (${kib(ubl.bytes)} each)`],
        ['heap over the UBL renders', `${mib(ubl.heapBefore)} → ${mib(ubl.heapAfter)} (peak ${mib(ubl.heapPeak)})`],
      ],
      notes: [
        `Finalization: the issueInvoice activity (number from the gapless series, invoice, lines with VAT and document JSON, webhook outbox rows, in one transaction), run through Temporal's MockActivityEnvironment by ${WORKERS} workers with their own connection pools against an embedded PostgreSQL, one finalization in flight per worker, after ${warmUp} warm-up invoices.`,
        'Each invoice: a Norwegian business buyer, three lines (plan and add-on excluding VAT, a 20 % discount), 25 % VAT.',
        `Rendering: one of those documents, ${pdfRenders} PDFs and ${ublRenders} UBL invoices one after another in the bench process, after ${warmUp} warm-up renders; memory from process.memoryUsage() sampled after each render, "kept" is after − before${typeof (globalThis as { gc?: unknown }).gc === 'function' ? ' with a forced GC on both sides' : ' (no --expose-gc: without forced GC, so it includes garbage not yet collected)'}.`,
      ],
    };
  } finally {
    await Promise.all(workers.map((prisma) => prisma.$disconnect()));
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const started = Date.now();
  invoiceDocuments().then(
    (result) => {
      const m = machine();
      console.log(`\n${consoleTable(result)}\ncores: ${m.cores} (${m.cpuModel}); load average ${os.loadavg()[0]!.toFixed(2)}; ${seconds(Date.now() - started)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
