// A plan's price versions (api/services/price-versions.ts).
import { z } from 'zod';
import type { addPriceVersion, listPriceVersions } from '../../services/price-versions';
import { currency, minorUnits, timestamp, type Conforms } from './common';

const versionFields = {
  version: z.number().int().min(1).describe('1 for the price the plan was created with, then one more per price change'),
  amountCents: minorUnits,
  currency,
  current: z.boolean().describe("Whether it is the plan's price now: what new subscriptions and plan changes take"),
  createdAt: timestamp,
  createdBy: z.string().nullable().describe('The prefix of the API key that set the price; null for the first version'),
};

export const priceVersion = z.strictObject({ plan: z.string(), ...versionFields }).describe('A price version of a plan');

export const priceVersionHistory = z.strictObject({
  plan: z.string(),
  currentVersion: z.number().int().min(1),
  subscribersWithoutVersion: z
    .number()
    .int()
    .describe('Live subscriptions that bought the plan before price versions were recorded (a migration to any version moves them)'),
  data: z.array(z.strictObject({ ...versionFields, subscribers: z.number().int().describe('Live subscriptions billed at this version (not ended)') })),
  nextCursor: z.string().nullable().describe('Send it back as `cursor` for the next (older) page; null on the last page'),
});

type _Created = Conforms<Awaited<ReturnType<typeof addPriceVersion>>, z.output<typeof priceVersion>>;
type _History = Conforms<Awaited<ReturnType<typeof listPriceVersions>>, z.output<typeof priceVersionHistory>>;
