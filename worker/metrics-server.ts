// The worker's /metrics: its prom-client registry followed by the Temporal SDK core's own metrics
// (task slots, poll and schedule-to-start latencies, sticky cache…), which core serves on a local
// port of its own. One scrape target per worker instead of two.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../infra/logger';

export interface MetricsServerOptions {
  port: number;
  registry: Registry;
  /** Core's Prometheus endpoint, e.g. http://127.0.0.1:9465/metrics; none when core exports nothing. */
  coreMetricsUrl?: string;
  log: Logger;
  /** How long a scrape waits for core before answering without its metrics. */
  coreTimeoutMs?: number;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

const FAMILY_LINE = /^# (?:HELP|TYPE) (\S+)/;

function familyNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const name = FAMILY_LINE.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}

/**
 * `own` followed by the families of `extra` that `own` does not already have (a scraper rejects a
 * family that is declared twice). Samples belong to the family declared before them (its
 * `_bucket`, `_sum`, `_count`…), or are a family of their own.
 */
export function mergeExpositions(own: string, extra: string): string {
  const taken = familyNames(own);
  let family: string | undefined;
  const kept = extra.split('\n').filter((line) => {
    const declared = FAMILY_LINE.exec(line)?.[1];
    if (declared) family = declared;
    else if (line.trim() !== '' && !line.startsWith('#')) {
      const sample = /^[^\s{]+/.exec(line)?.[0] ?? '';
      if (!family || (sample !== family && !sample.startsWith(`${family}_`))) family = sample;
    }
    return line.trim() !== '' && !(family && taken.has(family));
  });
  const head = own.endsWith('\n') ? own : `${own}\n`;
  return kept.length > 0 ? `${head}\n${kept.join('\n')}\n` : head;
}

export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, coreMetricsUrl, log } = options;
  const coreUp = new Gauge({
    name: 'worker_core_metrics_up',
    help: "1 when the Temporal SDK core's metrics were appended to this scrape",
    registers: [registry],
  });
  let coreWasUp = true;

  async function coreMetrics(): Promise<string> {
    if (!coreMetricsUrl) return '';
    try {
      const response = await fetch(coreMetricsUrl, { signal: AbortSignal.timeout(options.coreTimeoutMs ?? 2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      coreUp.set(1);
      coreWasUp = true;
      return text;
    } catch (error) {
      coreUp.set(0);
      if (coreWasUp) log.warn({ err: error, coreMetricsUrl }, 'Temporal core metrics unavailable; serving the worker metrics only');
      coreWasUp = false;
      return '';
    }
  }

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the worker serves GET /metrics only\n');
      return;
    }
    void (async () => {
      try {
        const core = await coreMetrics();
        const body = mergeExpositions(await registry.metrics(), core);
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      } catch (error) {
        log.error({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      }
    })();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
