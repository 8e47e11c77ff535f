// Customers, invoices and reports (api/routes/customers.ts, invoices.ts, reports.ts).
import { customerParams, invoiceParams } from '../../schemas/reads';
import { upsellReport } from '../../schemas/responses/operations';
import { customer, invoice } from '../../schemas/responses/reads';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

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
];
