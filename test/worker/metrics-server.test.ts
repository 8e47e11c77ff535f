import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createWorkerMetrics } from '../../worker/metrics';
import { mergeExpositions, type MetricsServer, startMetricsServer } from '../../worker/metrics-server';
import { duplicateFamilies, valueOf } from '../support/prometheus';

// What core's Prometheus exporter serves (names as the SDK emits them), plus one family that
// collides with the worker's own.
const CORE_TEXT = [
  '# HELP temporal_worker_task_slots_available Current number of available slots per task type',
  '# TYPE temporal_worker_task_slots_available gauge',
  'temporal_worker_task_slots_available{namespace="default",task_queue="subscriptions",worker_type="ActivityWorker"} 100',
  '# HELP temporal_activity_execution_latency Histogram of activity execution latencies',
  '# TYPE temporal_activity_execution_latency histogram',
  'temporal_activity_execution_latency_bucket{activity_type="chargeInvoice",le="100"} 3',
  'temporal_activity_execution_latency_bucket{activity_type="chargeInvoice",le="+Inf"} 3',
  'temporal_activity_execution_latency_sum{activity_type="chargeInvoice"} 42',
  'temporal_activity_execution_latency_count{activity_type="chargeInvoice"} 3',
  '# HELP worker_charges_total A clashing family',
  '# TYPE worker_charges_total counter',
  'worker_charges_total{outcome="succeeded"} 99',
  '',
].join('\n');

describe('mergeExpositions', () => {
  test("appends core's families and drops the ones the worker already declares", async () => {
    const metrics = createWorkerMetrics();
    metrics.charges.inc({ outcome: 'succeeded', decline_type: '' }, 2);
    const merged = mergeExpositions(await metrics.registry.metrics(), CORE_TEXT);
    expect(duplicateFamilies(merged)).toEqual([]);
    expect(valueOf(merged, 'worker_charges_total', { outcome: 'succeeded' })).toBe(2);
    expect(valueOf(merged, 'temporal_worker_task_slots_available', { worker_type: 'ActivityWorker' })).toBe(100);
    expect(valueOf(merged, 'temporal_activity_execution_latency_count')).toBe(3);
  });

  test('an empty core exposition leaves the worker metrics as they are', () => {
    expect(mergeExpositions('# TYPE a counter\na 1\n', '')).toBe('# TYPE a counter\na 1\n');
  });
});

describe('the worker metrics server', () => {
  let core: http.Server;
  let coreUrl: string;
  let server: MetricsServer | undefined;
  beforeAll(async () => {
    core = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(CORE_TEXT));
    await new Promise<void>((resolve) => core.listen(0, '127.0.0.1', resolve));
    coreUrl = `http://127.0.0.1:${(core.address() as AddressInfo).port}/metrics`;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await new Promise((resolve) => core.close(resolve));
  });

  const scrape = async (path = '/metrics') => {
    const res = await fetch(`http://127.0.0.1:${server!.port}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  test('serves the worker registry followed by the core metrics on GET /metrics', async () => {
    const metrics = createWorkerMetrics();
    metrics.activityDuration.observe({ activity_type: 'chargeInvoice', outcome: 'completed' }, 0.2);
    server = await startMetricsServer({ port: 0, registry: metrics.registry, coreMetricsUrl: coreUrl, log: pino({ level: 'silent' }) });
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(res.text, 'activity_duration_seconds_count', { activity_type: 'chargeInvoice', outcome: 'completed' })).toBe(1);
    expect(valueOf(res.text, 'temporal_worker_task_slots_available', { worker_type: 'ActivityWorker' })).toBe(100);
    expect(valueOf(res.text, 'worker_core_metrics_up')).toBe(1);
    expect(duplicateFamilies(res.text)).toEqual([]);
    expect((await scrape('/other')).status).toBe(404);
  });

  test('still answers with the worker metrics when core does not, and says so', async () => {
    const registry = new Registry();
    createWorkerMetrics(registry);
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    server = await startMetricsServer({ port: 0, registry, coreMetricsUrl: 'http://127.0.0.1:1/metrics', log, coreTimeoutMs: 500 });
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(valueOf(res.text, 'worker_core_metrics_up')).toBe(0);
    expect(res.text).toContain('# TYPE activity_duration_seconds histogram');
    expect(res.text).not.toContain('temporal_');
    await scrape();
    // One warning when core goes away, not one per scrape.
    expect(warnings).toHaveLength(1);
  });
});
