// Webhook endpoints and their delivery log. A signing secret is returned once: at registration, or
// at a rotation.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../../prisma/generated/client';
import type { ApiDeps } from '../deps';
import { rotatedSecrets } from '../../domain/webhook-secrets';
import { STRICT_TARGETS, urlRefusal } from '../../infra/webhook-target';
import { conflict, invalid, notFound } from '../problem';
import { createWebhookBody, deliveriesQuery, rotateSecretBody, webhookEventParams, webhookParams } from '../schemas/webhooks';

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

function endpointView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
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
    lastLatencyMs: delivery.lastLatencyMs,
    lastResponseBytes: delivery.lastResponseBytes,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

export function webhooksRouter({ prisma, clock, webhookTargets = STRICT_TARGETS }: ApiDeps): Router {
  const router = Router();

  const endpointOr404 = async (params: unknown) => {
    const { id } = webhookParams.parse(params);
    const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id } });
    if (!endpoint) throw notFound(`no webhook endpoint ${id}`);
    return endpoint;
  };

  router.post('/', async (req, res) => {
    const body = createWebhookBody.parse(req.body);
    // Checked again at each delivery, after DNS: a name can point anywhere later.
    const refusal = urlRefusal(new URL(body.url), webhookTargets);
    if (refusal) throw invalid([{ field: 'url', message: refusal }]);
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        id: `we_${randomBytes(12).toString('hex')}`,
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        secret: newSecret(),
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

  /** A new signing secret, shown once; the old one keeps signing too for the overlap window. */
  router.post('/:id/rotate-secret', async (req, res) => {
    const { overlapHours } = rotateSecretBody.parse(req.body ?? {});
    const endpoint = await endpointOr404(req.params);
    const secrets = rotatedSecrets(endpoint, newSecret(), await clock(), overlapHours);
    // Only over the secret read: of two rotations at once, one would hand out a secret never used.
    const { count } = await prisma.webhookEndpoint.updateMany({ where: { id: endpoint.id, secret: endpoint.secret }, data: secrets });
    if (count === 0) throw conflict('the secret was rotated meanwhile: read the endpoint and rotate again if needed');
    res.json({ ...endpointView({ ...endpoint, ...secrets }), secret: secrets.secret });
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
