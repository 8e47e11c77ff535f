// The bookkeeping ledger export: one row per invoice, credit note, payment or refund, with fixed
// columns a Norwegian bookkeeping import (Tripletex, Fiken, Visma) can map once. VAT is split into
// a column pair per Norwegian rate, so an importer never has to discover columns per file.
import { decimalAmount } from './money';
import type { TaxTreatment, VatSummaryRow } from './tax/types';

/** The order rows of one day are listed in: documents before the money that moved for them. */
export const LEDGER_ENTRY_TYPES = ['invoice', 'credit_note', 'payment', 'refund'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

export const LEDGER_COLUMNS = [
  'date',
  'type',
  'document_number',
  'reference',
  'customer_id',
  'customer_name',
  'customer_organization_number',
  'customer_vat_id',
  'currency',
  'net_amount',
  'vat_amount',
  'gross_amount',
  'net_25',
  'vat_25',
  'net_15',
  'vat_15',
  'net_12',
  'vat_12',
  'net_0',
  'net_other',
  'vat_other',
  'vat_code',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

export interface LedgerParty {
  id: string;
  /** The legal name invoices were addressed to, else the customer's name or email. */
  name: string;
  organizationNumber: string | null;
  vatId: string | null;
}

/** The VAT a document states (money movements carry none: it was booked with the document). */
export interface LedgerVat {
  treatment: TaxTreatment;
  /** The country whose rates apply to One-Stop Shop sales: the buyer's. */
  buyerCountry: string | null;
  netCents: number;
  taxCents: number;
  summary: readonly VatSummaryRow[];
}

export interface LedgerEntry {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  type: LedgerEntryType;
  /** The legal number of an invoice or credit note; the payment gateway's id of a payment or refund. */
  documentNumber: string;
  /** The number of the invoice the row belongs to. */
  reference: string;
  customer: LedgerParty;
  currency: string;
  /** As the document or movement states it, positive; the row gives it its sign. */
  grossCents: number;
  /** Null for money movements, and for documents issued before invoices carried VAT. */
  vat: LedgerVat | null;
}

/** Credit notes take back revenue and refunds pay money out: both are negative in the ledger. */
export function ledgerSign(type: LedgerEntryType): 1 | -1 {
  return type === 'credit_note' || type === 'refund' ? -1 : 1;
}

type RateBucket = '25' | '15' | '12' | '0' | 'other';

/**
 * Norway's rates have their own columns; 0 % (zero-rated, reverse charge, export, exempt) shares
 * one. Another country's VAT (One-Stop Shop) is never Norwegian output VAT, even at 25 %: it goes
 * to the `other` pair, as does any rate without a column, and `vat_code` tells which.
 */
function bucketOf(row: VatSummaryRow, treatment: TaxTreatment): RateBucket {
  if (row.rateBasisPoints === 0) return '0';
  if (treatment === 'oss') return 'other';
  if (row.rateBasisPoints === 2500) return '25';
  if (row.rateBasisPoints === 1500) return '15';
  if (row.rateBasisPoints === 1200) return '12';
  return 'other';
}

/** `S:25`, `AE:0`, `S:25.5`; a One-Stop Shop rate names its country: `S:21@NL`. */
function vatCode(row: VatSummaryRow, vat: LedgerVat): string {
  const code = `${row.vatCategory}:${row.rateBasisPoints / 100}`;
  return vat.treatment === 'oss' && row.rateBasisPoints !== 0 && vat.buyerCountry ? `${code}@${vat.buyerCountry}` : code;
}

/**
 * A value a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is prefixed
 * with an apostrophe: names and ids come from customers (OWASP CSV injection).
 */
export function textCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function vatColumns(vat: LedgerVat, sign: 1 | -1, amount: (cents: number) => string): Partial<Record<LedgerColumn, string>> {
  const net: Record<RateBucket, number> = { '25': 0, '15': 0, '12': 0, '0': 0, other: 0 };
  const tax: Record<RateBucket, number> = { '25': 0, '15': 0, '12': 0, '0': 0, other: 0 };
  for (const row of vat.summary) {
    const bucket = bucketOf(row, vat.treatment);
    net[bucket] += row.netCents;
    tax[bucket] += row.taxCents;
  }
  const codes = [...new Set(vat.summary.map((row) => vatCode(row, vat)))];
  const signed = (cents: number) => amount(sign * cents);
  return {
    net_amount: signed(vat.netCents),
    vat_amount: signed(vat.taxCents),
    net_25: signed(net['25']),
    vat_25: signed(tax['25']),
    net_15: signed(net['15']),
    vat_15: signed(tax['15']),
    net_12: signed(net['12']),
    vat_12: signed(tax['12']),
    // 0 % carries no VAT, so it has no VAT column.
    net_0: signed(net['0']),
    net_other: signed(net.other),
    vat_other: signed(tax.other),
    vat_code: codes.join('|'),
  };
}

/** The entry as the export's columns, in their order; amounts in major units with a dot. */
export function ledgerRow(entry: LedgerEntry): string[] {
  const sign = ledgerSign(entry.type);
  const amount = (cents: number) => decimalAmount(cents, entry.currency);
  const cells: Partial<Record<LedgerColumn, string>> = {
    date: entry.date,
    type: entry.type,
    document_number: textCell(entry.documentNumber),
    reference: textCell(entry.reference),
    customer_id: textCell(entry.customer.id),
    customer_name: textCell(entry.customer.name),
    customer_organization_number: textCell(entry.customer.organizationNumber),
    customer_vat_id: textCell(entry.customer.vatId),
    currency: entry.currency,
    gross_amount: amount(sign * entry.grossCents),
    ...(entry.vat ? vatColumns(entry.vat, sign, amount) : {}),
  };
  return LEDGER_COLUMNS.map((column) => cells[column] ?? '');
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; CRLF ends a record. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',')}\r\n`;
}
