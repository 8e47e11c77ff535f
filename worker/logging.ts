// Temporal's Runtime logger, forwarded to pino: workflow `log`, activity `log`, the SDK's own lines
// and (when forwarded) core's. The SDK adds workflowId, runId, activityType… as metadata; every
// line about a subscription also gets its subscriptionId.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { LogTimestamp } from '@temporalio/worker';
import type { Logger, LogLevel as PinoLevel } from '../infra/logger';

const WORKFLOW_ID_PREFIX = 'subscription-';

/** `subscription-<id>` → `<id>`; other workflows (webhook deliveries…) have none. */
export function subscriptionIdOf(workflowId: unknown): string | undefined {
  return typeof workflowId === 'string' && workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

const LEVELS: Record<LogLevel, Exclude<PinoLevel, 'silent' | 'fatal'>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The lowest level core (Rust) should emit: its info lines are poller chatter, so warn unless debugging. */
export function coreLogLevel(level: PinoLevel): LogLevel {
  if (level === 'trace') return 'TRACE';
  return level === 'debug' ? 'DEBUG' : 'WARN';
}

/**
 * What the SDK warns about a worker without workflows. The delivery worker runs only activities on
 * purpose (worker/legacy-deliveries.ts): that is no warning here.
 */
export const NO_WORKFLOWS_WARNING = 'No workflows registered, not polling for workflow tasks';

/** The level a line of the SDK's is worth here. */
export function levelOf(level: LogLevel, message: string): LogLevel {
  return level === 'WARN' && message === NO_WORKFLOWS_WARNING ? 'DEBUG' : level;
}

export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}

  log(sdkLevel: LogLevel, message: string, meta?: LogMetadata): void {
    const level = levelOf(sdkLevel, message);
    // The SDK's own timestamp (a symbol key) is dropped: pino stamps the line as it writes it.
    const { [LogTimestamp]: _timestamp, ...fields } = meta ?? {};
    const subscriptionId = fields.subscriptionId ?? subscriptionIdOf(fields.workflowId);
    this.pino[LEVELS[level]]({ ...fields, ...(subscriptionId ? { subscriptionId } : {}) }, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
