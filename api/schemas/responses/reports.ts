// Answers of GET /reports/revenue, /reports/churn and /reports/dunning (api/services/reports.ts).
import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from '../../../domain/status';
import { currency, minorUnits } from './common';

const status = z.enum(SUBSCRIPTION_STATUSES);
const month = z.string().regex(/^\d{4}-\d{2}$/).describe('Calendar month (UTC), YYYY-MM');
const count = z.number().int().min(0);

export const revenueReport = z.strictObject({
  mrrStatuses: z.array(status).describe('The statuses whose subscriptions count in MRR'),
  currencies: z.array(
    z.strictObject({
      currency,
      mrrCents: minorUnits.describe('Monthly recurring revenue: the monthly list price of each paying subscription'),
      payingSubscriptions: count,
      byStatus: z.array(z.strictObject({ status, subscriptions: count, monthlyAmountCents: minorUnits })).describe('Subscriptions and their summed monthly price per status'),
    }),
  ),
});

export const churnReport = z.strictObject({
  from: month.describe('First month covered'),
  churnFrom: z.array(status).describe('A change into canceled from one of these statuses is churn'),
  months: z.array(z.strictObject({ month, currency, churned: count, mrrLostCents: minorUnits })).describe('Months with churn, oldest first'),
});

export const dunningReport = z.strictObject({
  from: month.describe('First month covered'),
  current: z.array(z.strictObject({ currency, status, subscriptions: count, monthlyAmountCents: minorUnits })).describe('Subscriptions past due or unpaid now'),
  months: z
    .array(
      z.strictObject({
        month,
        currency,
        entered: count.describe('Changes into past_due'),
        recovered: count.describe('Back to active from past_due or unpaid'),
        recoveredMrrCents: minorUnits,
        unpaid: count.describe('Retries ran out and the subscription was kept as unpaid'),
        lost: count.describe('Canceled from past_due or unpaid'),
        lostMrrCents: minorUnits,
      }),
    )
    .describe('Months with dunning activity, oldest first'),
});
