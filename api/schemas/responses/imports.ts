// The answer of POST /subscriptions/imports.
import { z } from 'zod';
import type { importSubscriptions } from '../../services/subscription-imports';
import { timestamp, type Conforms } from './common';

export const subscriptionImport = z.strictObject({
  created: z.number().int().describe('Subscriptions this request imported'),
  existing: z.number().int().describe('Subscriptions imported before under the same ids (a repeated request)'),
  subscriptions: z.array(
    z.strictObject({
      id: z.string(),
      workflowId: z.string(),
      customerId: z.string(),
      plan: z.string(),
      currentPeriodEnd: timestamp.describe('Paid until; the first charge here is due then'),
      created: z.boolean().describe('False: imported before with the same plan, payment method and customer'),
    }),
  ),
});

type _Import = Conforms<Awaited<ReturnType<typeof importSubscriptions>>, z.output<typeof subscriptionImport>>;
