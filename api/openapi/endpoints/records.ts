// Customers, invoices and reports (api/routes/customers.ts, invoices.ts, reports.ts).
import { billingProfileInput } from '../../schemas/billing-profile';
import { customerParams, invoiceParams } from '../../schemas/reads';
import { monthsQuery } from '../../schemas/reports';
import { upsellReport } from '../../schemas/responses/operations';
import { churnReport, dunningReport, revenueReport } from '../../schemas/responses/reports';
import { billingProfileSet, customer, invoice } from '../../schemas/responses/reads';
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
    method: 'put',
    path: '/customers/:id/billing-profile',
    operationId: 'setBillingProfile',
    tag: 'customers',
    summary: "Set a customer's billing profile",
    description:
      "Replaces the profile invoices are addressed and taxed by, and sends it to the customer's running subscriptions: invoices finalized after it use it, issued ones keep theirs. Organisation numbers (mod 11) and EU VAT ids are checked.",
    params: customerParams,
    paramExamples: { id: 'cus_ada' },
    body: billingProfileInput,
    example: {
      legalName: 'Fjord Fisk AS',
      kind: 'business',
      organizationNumber: '974760673',
      address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' },
      language: 'nb',
    },
    answers: [ok(billingProfileSet, 'The stored profile (with its new version) and how many subscriptions it was sent to')],
    errors: { 404: 'No customer has this id' },
  },
  {
    method: 'get',
    path: '/invoices/:id',
    operationId: 'getInvoice',
    tag: 'customers',
    summary: 'An invoice',
    description: 'By id or by number (`INV-…`): lines, payment attempts, credit notes (refunds) and the amount refunded.',
    params: invoiceParams,
    paramExamples: { id: 'INV-sub_ada-0001' },
    answers: [ok(invoice, 'The invoice')],
    errors: { 404: 'No invoice has this id or number' },
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
