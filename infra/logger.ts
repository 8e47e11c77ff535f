// The one logger factory for every process: JSON lines on stdout (or a given stream), so a log
// pipeline can filter on subscriptionId, workflowId, invoiceNumber or requestId.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Secrets never reach a log line, even when a caller logs a whole request or config object.
 * Payment-method tokens (`pm_…`) are references at the gateway, not secrets, and stay readable.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-api-key"]',
  'req.headers["x-api-key"]',
  'headers.cookie',
  'req.headers.cookie',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'password',
  '*.password',
  'LINK_SIGNING_SECRET',
  'TEMPORAL_API_KEY',
  'SMTP_URL',
  'DATABASE_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  // The whole configuration logged under a key (`{ config }`) is redacted as well.
  '*.LINK_SIGNING_SECRET',
  '*.TEMPORAL_API_KEY',
  '*.SMTP_URL',
  '*.DATABASE_URL',
  '*.STRIPE_SECRET_KEY',
  '*.STRIPE_WEBHOOK_SECRET',
];

export interface LoggerOptions {
  /** `api` or `worker`: the `service` field of every line. */
  service: string;
  level: LogLevel;
  /** Where lines go; stdout by default (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      // Level names instead of numbers, and ISO times: readable without pino's own tools.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // The Temporal SDK passes errors as `error`; both keys get a message and a stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
