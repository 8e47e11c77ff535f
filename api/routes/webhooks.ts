// Webhook endpoints and their delivery log. The signing secret is returned once, at registration.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { createWebhookBody, deliveriesQuery, webhookEventParams, webhookParams } from '../schemas/webhooks';

function endpointView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

function deliveryView(delivery: WebhookDelivery & { event: Pick<WebhookEvent, 'type' | 'subscriptionId'> }) {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.event.type,
    subscriptionId: delivery.event.subscriptionId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

export function webhooksRouter({ prisma }: ApiDeps): Router {
  const router = Router();

  const endpointOr404 = async (params: unknown) => {
    const { id } = webhookParams.parse(params);
    const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id } });
    if (!endpoint) throw notFound(`no webhook endpoint ${id}`);
    return endpoint;
  };

  router.post('/', async (req, res) => {
    const body = createWebhookBody.parse(req.body);
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        id: `we_${randomBytes(12).toString('hex')}`,
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        secret: `whsec_${randomBytes(32).toString('base64url')}`,
      },
    });
    res.status(201).location(`/webhooks/${endpoint.id}`).json({ ...endpointView(endpoint), secret: endpoint.secret });
  });

  router.get('/', async (_req, res) => {
    const endpoints = await prisma.webhookEndpoint.findMany({ orderBy: { createdAt: 'asc' } });
    res.json({ data: endpoints.map(endpointView) });
  });

  router.get('/events/:eventId', async (req, res) => {
    const { eventId } = webhookEventParams.parse(req.params);
    const event = await prisma.webhookEvent.findUnique({ where: { id: eventId }, include: { deliveries: { orderBy: { createdAt: 'asc' } } } });
    if (!event) throw notFound(`no webhook event ${eventId}`);
    res.json({
      id: event.id,
      type: event.type,
      subscriptionId: event.subscriptionId,
      createdAt: event.createdAt.toISOString(),
      data: event.payload,
      deliveries: event.deliveries.map((delivery) => deliveryView({ ...delivery, event })),
    });
  });

  router.get('/:id', async (req, res) => {
    const endpoint = await endpointOr404(req.params);
    const counts = await prisma.webhookDelivery.groupBy({ by: ['status'], where: { endpointId: endpoint.id }, _count: { _all: true } });
    const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
    res.json({ ...endpointView(endpoint), deliveries: { pending: count('pending'), delivered: count('delivered'), failed: count('failed') } });
  });

  /** Disables the endpoint: no new events, and its pending deliveries stop at their next attempt. */
  router.delete('/:id', async (req, res) => {
    const endpoint = await endpointOr404(req.params);
    const disabled = await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false } });
    res.json(endpointView(disabled));
  });

  router.get('/:id/deliveries', async (req, res) => {
    const endpoint = await endpointOr404(req.params);
    const query = deliveriesQuery.parse(req.query);
    const deliveries = await prisma.webhookDelivery.findMany({
      where: { endpointId: endpoint.id, ...(query.status ? { status: query.status } : {}) },
      include: { event: { select: { type: true, subscriptionId: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    res.json({ data: deliveries.map(deliveryView) });
  });

  return router;
}
