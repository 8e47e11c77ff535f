// What-if scenarios: one subscription, a start and an end, and the commands to send along the way.
// Every event type mirrors an API command; a bad scenario is refused with the field named.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/calendar';
import { customLine, packageItems } from '../api/schemas/items';
import { newPriceVersionBody } from '../api/schemas/price-versions';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time such as 2028-01-31T10:00:00Z' });
const token = z.string().regex(/^pm_[A-Za-z0-9_]{1,100}$/, 'must be a payment method token such as pm_card_visa');
const timing = z.enum(['now', 'period_end']);

const event = z.discriminatedUnion('type', [
  z.object({ at: instant, type: z.literal('changePlan'), plan: z.string().min(1), when: timing.optional() }).strict(),
  z.object({ at: instant, type: z.literal('cancel'), when: timing.optional(), refund: z.enum(['none', 'prorated']).optional() }).strict(),
  z.object({ at: instant, type: z.literal('uncancel') }).strict(),
  z.object({ at: instant, type: z.literal('pause'), when: timing.optional(), periods: z.number().int().min(1).max(24).optional() }).strict(),
  z.object({ at: instant, type: z.literal('resume'), billingAnchor: z.enum(['now', 'keep']).optional() }).strict(),
  z.object({ at: instant, type: z.literal('updatePaymentMethod'), paymentMethod: token }).strict(),
  z
    .object({
      at: instant,
      type: z.literal('usage'),
      metric: z.string().min(1),
      quantity: z.number().min(0),
      mode: z.enum(['set', 'increment']).optional(),
      /** A metered add-on's usage event: repeated with the same id, it counts once. */
      eventId: z.string().min(1).max(128).optional(),
      /** When the usage happened (default: the event's `at`): decides the period it is billed in, within the grace window. */
      occurredAt: instant.optional(),
      /** What a unique count counts distinct values of, e.g. {"user": "u_42"}. */
      properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .strict(),
  z.object({ at: instant, type: z.literal('acceptOffer'), offerId: z.string().optional() }).strict(),
  z.object({ at: instant, type: z.literal('declineOffer'), offerId: z.string().optional() }).strict(),
  z.object({ at: instant, type: z.literal('addAddOn'), code: z.string().min(1), quantity: z.number().int().min(1).max(1000).default(1) }).strict(),
  z.object({ at: instant, type: z.literal('removeAddOn'), code: z.string().min(1) }).strict(),
  z.object({ at: instant, type: z.literal('applyCoupon'), code: z.string().min(1) }).strict(),
  /** A custom line at a negotiated price (POST /subscriptions/:id/custom-lines); change or remove it with addAddOn/removeAddOn and its code, custom-<n>. */
  customLine.extend({ at: instant, type: z.literal('addCustomLine') }),
  /** The catalogue, as a product team changes it: a new price version of a plan (existing subscribers keep theirs). */
  z.object({ at: instant, type: z.literal('changePrice'), plan: z.string().min(1), amountCents: newPriceVersionBody.shape.amountCents }).strict(),
  /** Moves every subscription on `plan` to `toPlan` (default: the same plan) at price version `toVersion` (default: its current one) at renewal. */
  z.object({ at: instant, type: z.literal('migratePlan'), plan: z.string().min(1), toPlan: z.string().min(1).optional(), toVersion: z.number().int().min(1).optional() }).strict(),
  z.object({ at: instant, type: z.literal('archivePlan'), plan: z.string().min(1) }).strict(),
  /** Skips the next scheduled delivery of a shipping add-on (refused after its cut-off): its period is not billed for it. */
  z.object({ at: instant, type: z.literal('skipDelivery') }).strict(),
  /** Where shipping add-ons go from now on: deliveries before their cut-off move with it. */
  z
    .object({
      at: instant,
      type: z.literal('changeDeliveryAddress'),
      address: z.object({ lines: z.array(z.string().min(1)).min(1).max(4), postalCode: z.string().min(1), city: z.string().min(1), country: z.string().length(2) }).strict(),
    })
    .strict(),
  /** The customer confirms (or refuses) the payment in flight, or the wallet settles it (sandbox settle callback). */
  z.object({ at: instant, type: z.literal('settlePayment'), outcome: z.enum(['succeeded', 'failed']).default('succeeded') }).strict(),
]);

export const scenarioSchema = z
  .object({
    start: instant,
    until: instant,
    timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('UTC'),
    plan: z.string().min(1),
    trialDays: z.number().int().min(0).max(730).optional(),
    /** Imported at `start`, paid elsewhere until this instant (POST /subscriptions/imports). */
    currentPeriodEnd: instant.optional(),
    paymentMethod: token,
    /** A custom package the subscription is created with: catalogue add-ons, custom lines, a coupon (as POST /subscriptions takes them). */
    ...packageItems,
    customer: z.object({ email: z.email(), name: z.string().min(1).optional() }).strict().default({ email: 'simulated@example.com', name: 'Simulated customer' }),
    /** Overrides of the lifecycle policy, as the environment variables of the same meaning. */
    policy: z
      .object({
        dunningRetryDays: z.array(z.number().int().min(0).max(90)).max(20).optional(),
        dunningFinalAction: z.enum(['cancel', 'unpaid']).optional(),
        trialReminderDays: z.number().int().min(0).max(60).optional(),
      })
      .strict()
      .optional(),
    events: z.array(event).default([]),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    // As instants, not strings: offsets may differ (10:00+02:00 is before 09:00Z).
    const ms = (iso: string) => new Date(iso).getTime();
    if (ms(scenario.until) <= ms(scenario.start)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after start' });
    if (scenario.currentPeriodEnd !== undefined && scenario.trialDays !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['trialDays'], message: 'an imported subscription (currentPeriodEnd) has no trial' });
    }
    for (const field of ['addOns', 'customLines', 'coupon'] as const) {
      if (scenario.currentPeriodEnd !== undefined && scenario[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'an imported subscription (currentPeriodEnd) starts with its plan only' });
      }
    }
    scenario.events.forEach((e, index) => {
      if (ms(e.at) < ms(scenario.start) || ms(e.at) > ms(scenario.until)) {
        ctx.addIssue({ code: 'custom', path: ['events', index, 'at'], message: 'must be between start and until' });
      }
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) {
    const normalize = (iso: string) => new Date(iso).toISOString();
    return {
      ...parsed.data,
      start: normalize(parsed.data.start),
      until: normalize(parsed.data.until),
      ...(parsed.data.currentPeriodEnd ? { currentPeriodEnd: normalize(parsed.data.currentPeriodEnd) } : {}),
      events: parsed.data.events
        .map((e) => ({ ...e, at: normalize(e.at), ...('occurredAt' in e && e.occurredAt ? { occurredAt: normalize(e.occurredAt) } : {}) })).sort((a, b) => a.at.localeCompare(b.at)),
    };
  }
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.length > 0 ? issue.path.join('.') : '(scenario)'}: ${issue.message}`);
  throw new ScenarioError(`${source} is not a valid scenario:\n${problems.join('\n')}`);
}

export function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, file);
}
