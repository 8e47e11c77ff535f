// Files for bookkeeping systems (api/routes/exports.ts).
import { z } from 'zod';
import { LEDGER_COLUMNS } from '../../../domain/ledger';
import { ledgerQuery, MAX_LEDGER_DAYS } from '../../schemas/exports';
import type { Endpoint } from '../endpoint';

const LEDGER_DESCRIPTION = `One row per invoice (by issue date), credit note (by creation date), payment (a successful charge, by its completion) and refund (a refund's credit note also moves money back), dated in \`from\`–\`to\` (UTC days, both included, at most ${MAX_LEDGER_DAYS}). Sorted by date, then type (invoice, credit_note, payment, refund), then number. Comma-separated, RFC 4180 quoting, CRLF line ends, UTF-8 without BOM.

Columns: ${LEDGER_COLUMNS.map((column) => `\`${column}\``).join(', ')}.

- \`document_number\`: the legal number of an invoice or credit note; the payment gateway's charge or refund id of a payment or refund. \`reference\`: the number of the invoice the row belongs to.
- \`customer_name\`, \`customer_organization_number\`, \`customer_vat_id\`: as the invoice was addressed (its billing profile), else the customer's name or email.
- Amounts are decimals with a dot in the currency's major unit (two digits; none for JPY, ISK, KRW, CLP). Credit notes and refunds are negative. \`gross_amount\` of an invoice is its total including VAT before account credit; of a payment or refund, the money that moved.
- VAT columns are filled for invoices and credit notes only (VAT is booked with the document, not the payment): \`net_amount\` and \`vat_amount\` in total, then per Norwegian rate \`net_25\`/\`vat_25\`, \`net_15\`/\`vat_15\`, \`net_12\`/\`vat_12\`, and \`net_0\` for everything at 0 % (zero-rated, reverse charge, export, exempt). VAT of other countries (One-Stop Shop), and any other rate, goes to \`net_other\`/\`vat_other\`.
- \`vat_code\`: the UNCL5305 categories and rates the document has, separated by \`|\`: \`S:25\`, \`AE:0\`, \`S:21@NL\` (a One-Stop Shop rate names its country).`;

export const exportEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/exports/ledger',
    operationId: 'exportLedger',
    tag: 'exports',
    summary: 'Invoices, credit notes, payments and refunds of a period as CSV, for a bookkeeping import',
    description: LEDGER_DESCRIPTION,
    query: ledgerQuery,
    queryExample: { from: '2026-01-01', to: '2026-01-31' },
    fields: { from: 'The first day exported (UTC), YYYY-MM-DD', to: `The last day exported (UTC), itself included: the period covers at most ${MAX_LEDGER_DAYS} days` },
    answers: [{ status: 200, description: 'The ledger as a CSV file', schema: z.string(), contentType: 'text/csv; charset=utf-8', headers: ['ContentDisposition'] }],
    errors: { 400: `\`from\` or \`to\` is missing or not a date, \`to\` is before \`from\`, or the period covers more than ${MAX_LEDGER_DAYS} days` },
  },
];
