// Prometheus metrics of the API: request latency per route pattern (and, from api/index.ts, the
// process). Operational figures only: /metrics is public, so revenue, churn and dunning figures
// are reports behind an API key (api/routes/reports.ts), and a scrape never queries the database.
import { Router } from 'express';
import { Histogram, Registry } from 'prom-client';
import type { RequestSample } from './request-logging';

export interface ApiMetrics {
  registry: Registry;
  observeRequest(sample: RequestSample): void;
  /** `GET /metrics` in the Prometheus text format. */
  router(): Router;
}

/** From a fast cached read (a few ms) to an update that waits on the first charge (seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createApiMetrics(registry: Registry = new Registry()): ApiMetrics {
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      latency.observe({ method, route, status: String(status) }, seconds);
    },
    router() {
      const router = Router();
      router.get('/', async (_req, res) => {
        const body = await registry.metrics();
        res.type(registry.contentType).send(body);
      });
      return router;
    },
  };
}
