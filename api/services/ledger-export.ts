// The ledger export as CSV text, read in keyset pages: however long the period, one page of rows
// is in memory at a time. The rows and their columns are domain/ledger.ts's.
import type { LedgerEntry, LedgerEntryType, LedgerParty, LedgerVat } from '../../domain/ledger';
import { csvRecord, LEDGER_COLUMNS, ledgerRow } from '../../domain/ledger';
import type { BillingProfile, InvoiceDocument } from '../../domain/tax/types';
import type { PrismaClient } from '../../prisma/generated/client';
import { Prisma } from '../../prisma/generated/client';
import type { LedgerQuery } from '../schemas/exports';

export const LEDGER_PAGE_SIZE = 1000;

/** One row of the union below: the sort key first, then what the entry is made of. */
interface LedgerRecord {
  day: string;
  rank: number;
  seq: number;
  doc: string;
  id: string;
  reference: string;
  customerId: string;
  customerName: string | null;
  customerEmail: string;
  billingProfile: BillingProfile | null;
  /** The buyer as the invoice was addressed, when it has a document. */
  buyer: (BillingProfile & { email: string }) | null;
  currency: string;
  grossCents: number;
  /** The invoice's or credit note's own document; null for payments and refunds. */
  document: InvoiceDocument | null;
}

type Position = Pick<LedgerRecord, 'day' | 'rank' | 'seq' | 'doc' | 'id'>;

/** `rank` orders a day's rows by type; it is the type's place in LEDGER_ENTRY_TYPES. */
const TYPE_OF_RANK: Record<number, LedgerEntryType> = { 0: 'invoice', 1: 'credit_note', 2: 'payment', 3: 'refund' };

/** The first instant after `to` (timestamps are stored as UTC without a zone). */
function dayAfter(to: string): string {
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
  return next.toISOString().slice(0, 10);
}

/**
 * One page of every kind of row, sorted by date, type and number (payments and refunds by the
 * gateway's id; account credit paid out is a refund too); `after` is the last row of the page
 * before. Dates are UTC days.
 */
function page(prisma: PrismaClient, { from, to }: LedgerQuery, after: Position | null, size: number): Promise<LedgerRecord[]> {
  const start = `${from} 00:00:00`;
  const end = `${dayAfter(to)} 00:00:00`;
  const inRange = (column: Prisma.Sql) => Prisma.sql`${column} >= ${start}::timestamp AND ${column} < ${end}::timestamp`;
  const keyset = after
    ? Prisma.sql`WHERE (day COLLATE "C", rank, seq, doc COLLATE "C", id COLLATE "C") > (${after.day} COLLATE "C", ${after.rank}::int, ${after.seq}::int, ${after.doc} COLLATE "C", ${after.id} COLLATE "C")`
    : Prisma.empty;
  const customer = Prisma.sql`cu.id AS "customerId", cu.name AS "customerName", cu.email AS "customerEmail", cu."billingProfile" AS "billingProfile", i.document -> 'buyer' AS buyer`;
  return prisma.$queryRaw<LedgerRecord[]>`
    SELECT * FROM (
      SELECT to_char(i."createdAt", 'YYYY-MM-DD') AS day, 0 AS rank, i.sequence AS seq, i.number AS doc, i.id, i.number AS reference,
             ${customer}, i.currency, i."subtotalCents" AS "grossCents", i.document
        FROM "Invoice" i JOIN "Customer" cu ON cu.id = i."customerId"
       WHERE ${inRange(Prisma.sql`i."createdAt"`)}
      UNION ALL
      SELECT to_char(c."createdAt", 'YYYY-MM-DD'), 1, c.sequence, c.number, c.id, i.number,
             ${customer}, c.currency, c."amountCents", c.document
        FROM "CreditNote" c JOIN "Invoice" i ON i.id = c."invoiceId" JOIN "Customer" cu ON cu.id = i."customerId"
       WHERE ${inRange(Prisma.sql`c."createdAt"`)}
      UNION ALL
      SELECT to_char(p."completedAt", 'YYYY-MM-DD'), 2, 0, COALESCE(p."gatewayChargeId", p.id), p.id, i.number,
             ${customer}, p.currency, p."amountCents", NULL
        FROM "PaymentAttempt" p JOIN "Invoice" i ON i.id = p."invoiceId" JOIN "Customer" cu ON cu.id = i."customerId"
       WHERE p.outcome = 'succeeded' AND ${inRange(Prisma.sql`p."completedAt"`)}
      UNION ALL
      SELECT to_char(c."createdAt", 'YYYY-MM-DD'), 3, 0, COALESCE(c."gatewayRefundId", c.number), c.id, i.number,
             ${customer}, c.currency, c."amountCents", NULL
        FROM "CreditNote" c JOIN "Invoice" i ON i.id = c."invoiceId" JOIN "Customer" cu ON cu.id = i."customerId"
       WHERE c.kind = 'refund' AND ${inRange(Prisma.sql`c."createdAt"`)}
      UNION ALL
      SELECT to_char(p."createdAt", 'YYYY-MM-DD'), 3, 0, p."gatewayRefundId", p.id, i.number,
             ${customer}, p.currency, p."amountCents", NULL
        FROM "CreditPayout" p JOIN "Invoice" i ON i.id = p."invoiceId" JOIN "Customer" cu ON cu.id = i."customerId"
       WHERE ${inRange(Prisma.sql`p."createdAt"`)}
    ) AS ledger
    ${keyset}
    ORDER BY day COLLATE "C", rank, seq, doc COLLATE "C", id COLLATE "C"
    LIMIT ${size}`;
}

/** As the invoice addressed the customer; the current profile or the customer record for an invoice without a document. */
function partyOf(record: LedgerRecord): LedgerParty {
  const addressed = record.buyer ?? record.billingProfile;
  return {
    id: record.customerId,
    name: addressed?.legalName ?? record.customerName ?? record.customerEmail,
    organizationNumber: addressed?.organizationNumber ?? null,
    vatId: addressed?.vatId ?? null,
  };
}

function vatOf(document: InvoiceDocument | null): LedgerVat | null {
  if (!document) return null;
  return {
    treatment: document.treatment,
    buyerCountry: document.buyer.address.country || null,
    netCents: document.netCents,
    taxCents: document.taxCents,
    summary: document.vatSummary,
  };
}

export function ledgerEntry(record: LedgerRecord): LedgerEntry {
  const type = TYPE_OF_RANK[record.rank];
  if (!type) throw new Error(`ledger row of unknown rank ${record.rank}`);
  return {
    date: record.day,
    type,
    documentNumber: record.doc,
    reference: record.reference,
    customer: partyOf(record),
    currency: record.currency,
    grossCents: record.grossCents,
    vat: vatOf(record.document),
  };
}

/** The CSV in chunks: the header with the first page, then a page a chunk. */
export async function* ledgerCsv(prisma: PrismaClient, range: LedgerQuery, pageSize = LEDGER_PAGE_SIZE): AsyncGenerator<string> {
  let header = csvRecord(LEDGER_COLUMNS);
  let after: Position | null = null;
  for (;;) {
    const records = await page(prisma, range, after, pageSize);
    const text = records.map((record) => csvRecord(ledgerRow(ledgerEntry(record)))).join('');
    yield header + text;
    header = '';
    const last = records.at(-1);
    if (!last || records.length < pageSize) return;
    after = { day: last.day, rank: last.rank, seq: last.seq, doc: last.doc, id: last.id };
  }
}
