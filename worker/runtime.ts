// The Temporal Runtime of a worker process (installable once per process): its log lines go to
// pino, and core's metrics to a local Prometheus endpoint that the worker's /metrics appends.
import type { RuntimeOptions } from '@temporalio/worker';
import type { Logger, LogLevel } from '../infra/logger';
import { coreLogLevel, PinoTemporalLogger } from './logging';

export interface WorkerRuntimeSettings {
  logger: Logger;
  level: LogLevel;
  /** host:port where core serves Prometheus metrics; none turns core metrics off. */
  coreMetricsAddress?: string;
}

export function workerRuntimeOptions({ logger, level, coreMetricsAddress }: WorkerRuntimeSettings): RuntimeOptions {
  return {
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      // Core's own lines join the same JSON stream instead of going straight to the console.
      logging: { filter: { core: coreLogLevel(level), other: 'ERROR' }, forward: {} },
      ...(coreMetricsAddress ? { metrics: { prometheus: { bindAddress: coreMetricsAddress } } } : {}),
    },
  };
}

export function coreMetricsUrl(bindAddress: string): string {
  return `http://${bindAddress}/metrics`;
}
