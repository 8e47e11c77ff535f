// Webhook endpoints, events and deliveries as api/routes/webhooks.ts answers them.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../../domain/webhooks';
import { timestamp } from './common';

export const webhookEndpoint = z.strictObject({
  id: z.string().describe('`we_` and 24 hex digits'),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).describe('Event types delivered; empty means all'),
  description: z.string().nullable(),
  enabled: z.boolean().describe('False once deleted: no new deliveries'),
  previousSecretExpiresAt: timestamp.nullable().describe('After a secret rotation: until then deliveries are signed with the previous secret too'),
  createdAt: timestamp,
});

export const createdWebhookEndpoint = z.strictObject({
  ...webhookEndpoint.shape,
  secret: z.string().describe('`whsec_…`: the HMAC-SHA256 signing secret, shown only in this answer'),
});

export const rotatedWebhookEndpoint = z.strictObject({
  ...webhookEndpoint.shape,
  secret: z.string().describe('`whsec_…`: the new signing secret, shown only in this answer'),
});

export const webhookEndpointDetail = z.strictObject({
  ...webhookEndpoint.shape,
  deliveries: z.strictObject({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
});

export const webhookDelivery = z.strictObject({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  subscriptionId: z.string().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable().describe("Why the last attempt failed: the status (`HTTP 500`), a network error or a refusal; never the receiver's answer"),
  lastLatencyMs: z.number().int().nullable().describe('Milliseconds from sending to the end of the answer (null: no answer)'),
  lastResponseBytes: z.number().int().nullable().describe("Size of the answer's body in bytes, counted up to 65536 (its content is not kept)"),
  lastAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
  createdAt: timestamp,
});

export const webhookEvent = z.strictObject({
  id: z.string().describe('`evt_` and 32 hex digits'),
  type: z.string(),
  subscriptionId: z.string().nullable(),
  createdAt: timestamp,
  data: z.unknown().describe('The event payload, as delivered'),
  deliveries: z.array(webhookDelivery),
});
