// Probes, metrics and the documentation itself (api/routes/health.ts, api/metrics.ts, api/openapi/router.ts).
import { z } from 'zod';
import { health, openApiDocument } from '../../schemas/responses/operations';
import type { Endpoint } from '../endpoint';

export const operationEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'operations',
    summary: 'Health of the API and its dependencies',
    answers: [
      { status: 200, description: 'The database and Temporal answer', schema: health },
      { status: 503, description: 'The database or Temporal does not answer (the error is in `checks`)', schema: health },
    ],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    description: 'Operational metrics only: request latency per route and status, and Node.js process metrics. Revenue, churn and dunning figures are under `/reports` (API key with `read`).',
    answers: [{ status: 200, description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain; version=0.0.4' }],
    alwaysAnswers: true,
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'operations',
    summary: 'This document',
    answers: [{ status: 200, description: 'OpenAPI 3.1', schema: openApiDocument }],
    alwaysAnswers: true,
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getApiDocs',
    tag: 'operations',
    summary: 'This document in Swagger UI',
    answers: [{ status: 200, description: 'An HTML page', schema: z.string(), contentType: 'text/html' }],
    alwaysAnswers: true,
  },
];
