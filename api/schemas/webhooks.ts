import { z } from 'zod';
import { DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS } from '../../domain/webhook-secrets';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { distinct } from './refinements';

export const createWebhookBody = z
  .object({
    // format: uri says nothing of the scheme; zod takes http(s):// in any case, after trimming, and a host.
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .max(2048)
      .meta({ pattern: '^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s?#]' }),
    /** Event types to receive; omitted or empty means all. */
    events: distinct(
      z.array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })).max(WEBHOOK_EVENT_TYPES.length),
      'must not repeat an event type',
    ).default([]),
    description: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const rotateSecretBody = z
  .object({
    /** Hours during which deliveries are signed with the old secret too; 0 drops it at once. */
    overlapHours: z.number().int().min(0).max(MAX_OVERLAP_HOURS).default(DEFAULT_OVERLAP_HOURS),
  })
  .strict();

export const webhookParams = z.object({
  id: z.string().regex(/^we_[a-f0-9]{24}$/, 'must be a webhook endpoint id such as we_0123456789abcdef01234567'),
});

export const webhookEventParams = z.object({
  eventId: z.string().regex(/^evt_[a-f0-9]{32}$/, 'must be an event id such as evt_0123456789abcdef0123456789abcdef'),
});

export const deliveriesQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
