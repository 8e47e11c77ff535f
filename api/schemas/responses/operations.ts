// Answers of the operational endpoints: health, the upsell report, the OpenAPI document itself.
import { z } from 'zod';
import { currency, minorUnits } from './common';

const check = z.string().describe('`ok`, or the error the probe met');

export const health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  checks: z.strictObject({ database: check, temporal: check }),
});

export const upsellReport = z.strictObject({
  offers: z.strictObject({
    made: z.number().int(),
    open: z.number().int(),
    accepted: z.number().int(),
    declined: z.number().int(),
    expired: z.number().int(),
  }),
  acceptanceRate: z.number().min(0).max(1).describe('Accepted / made'),
  extraMrr: z.array(z.strictObject({ currency, amountCents: minorUnits })).describe('Monthly recurring revenue the accepted offers added'),
  byRule: z.record(z.string(), z.record(z.string(), z.number().int())).describe('Offers per rule id and status'),
});

export const openApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
