// Customers, invoices and reports (api/routes/customers.ts, invoices.ts, reports.ts).
import { z } from 'zod';
import { billingProfileInput } from '../../schemas/billing-profile';
import { creditNoteParams, customerParams, invoiceParams } from '../../schemas/reads';
import { monthsQuery } from '../../schemas/reports';
import { upsellReport } from '../../schemas/responses/operations';
import { entitlements } from '../../schemas/responses/entitlements';
import { churnReport, dunningReport, revenueReport } from '../../schemas/responses/reports';
import { billingProfileUpdated, creditNoteSummary, customer, invoice } from '../../schemas/responses/reads';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

const MONTHS_FIELD = { months: 'Calendar months covered, the current one included (1-36, default 12)' };

export const recordEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/customers/:id',
    operationId: 'getCustomer',
    tag: 'customers',
    summary: 'A customer and their subscriptions',
    params: customerParams,
    paramExamples: { id: 'cus_ada' },
    answers: [ok(customer, 'The customer')],
    errors: { 404: 'No customer has this id' },
  },
  {
    method: 'get',
    path: '/customers/:id/entitlements',
    operationId: 'getEntitlements',
    tag: 'customers',
    summary: 'What a customer is entitled to now',
    description:
      "The features (union) and limits (sum per metric) of the customer's trialing, active and past-due subscriptions: each plan's features and quotas plus what its recurring add-ons grant. Read from the database projection in one indexed read, so the business's own app can gate features with it on every request. Changes when the plan change does: an upgrade now at once, a downgrade or a cancellation at period end when the period ends; a paused, unpaid or ended subscription grants nothing.",
    params: customerParams,
    paramExamples: { id: 'cus_ada' },
    answers: [ok(entitlements, "The customer's entitlements (empty when no subscription grants anything)")],
    errors: { 404: 'No customer has this id' },
  },
  {
    method: 'put',
    path: '/customers/:id/billing-profile',
    operationId: 'setBillingProfile',
    tag: 'customers',
    summary: "Set a customer's billing profile",
    description:
      "Who invoices are addressed to and how they are taxed: legal name, consumer or business, Norwegian organisation number (mod-11 checked) or EU VAT id (format checked), address, tax exemption, language. Invoices finalized from now on use it (the customer's running subscriptions are told at once); issued invoices keep the profile they were issued with.",
    params: customerParams,
    paramExamples: { id: 'cus_ada' },
    body: billingProfileInput,
    example: {
      legalName: 'Fjord Analyse AS',
      kind: 'business',
      organizationNumber: '974760673',
      address: { lines: ['Havnegata 12'], postalCode: '7010', city: 'Trondheim', country: 'NO' },
      language: 'nb',
    },
    answers: [ok(billingProfileUpdated, 'The profile as stored, and how many running subscriptions were told')],
    errors: { 404: 'No customer has this id' },
  },
  {
    method: 'get',
    path: '/invoices/:id',
    operationId: 'getInvoice',
    tag: 'customers',
    summary: 'An invoice',
    description:
      "By id, legal number (the seller's gapless series) or reference (`INV-…`): lines with VAT, the VAT summary per rate, payment attempts, credit notes and the amount refunded.",
    params: invoiceParams,
    paramExamples: { id: 'INV-sub_ada-0001' },
    answers: [ok(invoice, 'The invoice')],
    errors: { 404: 'No invoice has this id, number or reference' },
  },
  {
    method: 'get',
    path: '/invoices/:id/pdf',
    operationId: 'getInvoicePdf',
    tag: 'customers',
    summary: 'An invoice as PDF',
    description: "In the customer's language (Norwegian bokmål or English), with every field bokføringsforskriften § 5-1-1 asks for. Rendered once from the invoice as finalized, then served as stored.",
    params: invoiceParams,
    paramExamples: { id: 'INV-sub_ada-0001' },
    answers: [{ status: 200, description: 'The PDF', schema: z.string().describe('PDF bytes'), contentType: 'application/pdf' }],
    errors: { 404: 'No invoice has this id, number or reference' },
  },
  {
    method: 'get',
    path: '/invoices/:id/ubl',
    operationId: 'getInvoiceUbl',
    tag: 'customers',
    summary: 'An invoice as EHF (Peppol BIS Billing 3.0 UBL)',
    description: 'For business customers with an organisation number or VAT id: the invoice as an EHF / Peppol BIS Billing 3.0 UBL 2.1 document, for their accounting system or a Peppol access point.',
    params: invoiceParams,
    paramExamples: { id: 'INV-sub_ada-0001' },
    answers: [{ status: 200, description: 'The UBL document', schema: z.string().describe('UBL 2.1 XML'), contentType: 'application/xml' }],
    errors: { 404: 'No invoice has this id, number or reference, or its customer is not a business with an organisation number or VAT id' },
  },
  {
    method: 'get',
    path: '/credit-notes/:id',
    operationId: 'getCreditNote',
    tag: 'customers',
    summary: 'A credit note',
    description: 'By id or number (`CN-…`): a refund, or the cancellation of an unpaid invoice; it names the invoice it corrects.',
    params: creditNoteParams,
    paramExamples: { id: 'CN-1' },
    answers: [ok(creditNoteSummary, 'The credit note')],
    errors: { 404: 'No credit note has this id or number' },
  },
  {
    method: 'get',
    path: '/credit-notes/:id/pdf',
    operationId: 'getCreditNotePdf',
    tag: 'customers',
    summary: 'A credit note as PDF',
    params: creditNoteParams,
    paramExamples: { id: 'CN-1' },
    answers: [{ status: 200, description: 'The PDF', schema: z.string().describe('PDF bytes'), contentType: 'application/pdf' }],
    errors: { 404: 'No credit note has this id or number' },
  },
  {
    method: 'get',
    path: '/credit-notes/:id/ubl',
    operationId: 'getCreditNoteUbl',
    tag: 'customers',
    summary: 'A credit note as EHF (Peppol BIS Billing 3.0 UBL)',
    params: creditNoteParams,
    paramExamples: { id: 'CN-1' },
    answers: [{ status: 200, description: 'The UBL document', schema: z.string().describe('UBL 2.1 XML'), contentType: 'application/xml' }],
    errors: { 404: 'No credit note has this id or number, or its customer is not a business with an organisation number or VAT id' },
  },
  {
    method: 'get',
    path: '/reports/upsell',
    operationId: 'getUpsellReport',
    tag: 'reports',
    summary: 'Upsell offers and the revenue they added',
    answers: [ok(upsellReport, 'Offers made, accepted, declined and expired, by rule')],
  },
  {
    method: 'get',
    path: '/reports/revenue',
    operationId: 'getRevenueReport',
    tag: 'reports',
    summary: 'Monthly recurring revenue and subscriptions per currency',
    description:
      'MRR counts `active` and `past_due` subscriptions at their plan price per month (a yearly plan counts a twelfth). Read from totals the projection keeps up to date, not computed per request.',
    answers: [ok(revenueReport, 'MRR, paying subscriptions and subscriptions per status, per currency')],
  },
  {
    method: 'get',
    path: '/reports/churn',
    operationId: 'getChurnReport',
    tag: 'reports',
    summary: 'Churned subscriptions and the MRR they took, per month',
    query: monthsQuery,
    queryExample: { months: 6 },
    fields: MONTHS_FIELD,
    answers: [ok(churnReport, 'Churn per month and currency')],
  },
  {
    method: 'get',
    path: '/reports/dunning',
    operationId: 'getDunningReport',
    tag: 'reports',
    summary: 'Subscriptions in dunning now, and dunning outcomes per month',
    query: monthsQuery,
    queryExample: { months: 6 },
    fields: MONTHS_FIELD,
    answers: [ok(dunningReport, 'Past-due and unpaid subscriptions, and what happened to dunning per month')],
  },
];
