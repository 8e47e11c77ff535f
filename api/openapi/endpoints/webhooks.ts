// Webhook endpoints and their delivery log (api/routes/webhooks.ts).
import { list } from '../../schemas/responses/common';
import { createdWebhookEndpoint, rotatedWebhookEndpoint, webhookDelivery, webhookEndpoint, webhookEndpointDetail, webhookEvent } from '../../schemas/responses/webhooks';
import { createWebhookBody, deliveriesQuery, rotateSecretBody, webhookEventParams, webhookParams } from '../../schemas/webhooks';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

const ENDPOINT_ID = { id: 'we_555f145e433f5c6f0941cf05' };
const NO_ENDPOINT = 'No webhook endpoint has this id';

export const webhookEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhookEndpoint',
    tag: 'webhooks',
    summary: 'Register an endpoint',
    description:
      'The answer carries the signing secret; it is never shown again. The URL must be https:// and its host must not be localhost or an internal IP address (loopback, private, link-local…); each delivery checks again every address the host resolves to. Development (`WEBHOOK_ALLOW_PRIVATE_TARGETS=true`) also allows http:// and internal hosts.',
    body: createWebhookBody,
    example: { url: 'https://crm.example.com/hooks/billing', events: ['invoice.paid', 'invoice.payment_failed', 'subscription.canceled'], description: 'CRM' },
    fields: { url: 'https:// (http:// and internal hosts in development only)', events: 'Event types to receive; omitted or empty means all' },
    answers: [{ status: 201, description: 'Registered; `Location` names the endpoint', schema: createdWebhookEndpoint, headers: ['Location'] }],
  },
  {
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhookEndpoints',
    tag: 'webhooks',
    summary: 'Registered endpoints',
    answers: [ok(list(webhookEndpoint), 'Every endpoint, disabled ones included, oldest first')],
  },
  {
    method: 'get',
    path: '/webhooks/events/:eventId',
    operationId: 'getWebhookEvent',
    tag: 'webhooks',
    summary: 'An event and its deliveries',
    params: webhookEventParams,
    paramExamples: { eventId: 'evt_ba0553255e5644dfae4f0f96407a342b' },
    answers: [ok(webhookEvent, 'The event')],
    errors: { 404: 'No event has this id' },
  },
  {
    method: 'get',
    path: '/webhooks/:id',
    operationId: 'getWebhookEndpoint',
    tag: 'webhooks',
    summary: 'An endpoint and its delivery counts',
    params: webhookParams,
    paramExamples: ENDPOINT_ID,
    answers: [ok(webhookEndpointDetail, 'The endpoint')],
    errors: { 404: NO_ENDPOINT },
  },
  {
    method: 'delete',
    path: '/webhooks/:id',
    operationId: 'disableWebhookEndpoint',
    tag: 'webhooks',
    summary: 'Disable an endpoint',
    description: 'No new events; its pending deliveries stop at their next attempt. The endpoint and its log stay readable.',
    params: webhookParams,
    paramExamples: ENDPOINT_ID,
    answers: [ok(webhookEndpoint, 'The disabled endpoint')],
    errors: { 404: NO_ENDPOINT },
  },
  {
    method: 'post',
    path: '/webhooks/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tag: 'webhooks',
    summary: "Rotate an endpoint's signing secret",
    description:
      'The answer carries the new secret; it is never shown again. For `overlapHours` (default 24) every delivery carries two `v1=` signatures, with the new and the previous secret, so a receiver verifies with either while it switches; then only the new one.',
    params: webhookParams,
    paramExamples: ENDPOINT_ID,
    body: rotateSecretBody,
    optionalBody: true,
    example: { overlapHours: 24 },
    fields: { overlapHours: '0-168, default 24; 0 stops the previous secret at once' },
    answers: [ok(rotatedWebhookEndpoint, 'Rotated')],
    errors: { 404: NO_ENDPOINT, 409: 'Another rotation of this endpoint happened meanwhile' },
  },
  {
    method: 'get',
    path: '/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'webhooks',
    summary: "An endpoint's delivery log",
    params: webhookParams,
    paramExamples: ENDPOINT_ID,
    query: deliveriesQuery,
    queryExample: { status: 'failed', limit: 20 },
    fields: { status: 'Only deliveries in this status', limit: '1-100, default 50' },
    answers: [ok(list(webhookDelivery), 'The newest deliveries')],
    errors: { 404: NO_ENDPOINT },
  },
];
