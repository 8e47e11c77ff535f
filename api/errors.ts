// The one error middleware: maps validation, domain and Temporal errors to problem+json.
import type { ErrorRequestHandler } from 'express';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from './database-unavailable';
import { isUnstorableText } from './unstorable-text';
import { ProblemError, invalid, notFound, conflict } from './problem';

/** Failure types the workflow raises when a command is refused by the lifecycle rules. */
// gRPC status codes (grpc/doc/statuscodes.md).
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

const REFUSAL_TYPES = new Set(['IllegalTransitionError', 'CommandRefusedError']);
/** Sent with every 503: a dependency is down, and a client should come back rather than give up. */
const RETRY_AFTER_SECONDS = 5;

function fromZod(error: ZodError): ProblemError {
  return invalid(
    error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
      message: issue.message,
    })),
  );
}

function isUnavailable(error: unknown): boolean {
  // An overloaded server lets an update's long poll run out: the command may still complete, and
  // every command here is idempotent, so the client should retry rather than give up.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = (error as { code?: number } | undefined)?.code;
  const causeCode = error instanceof ServiceError ? (error.cause as { code?: number } | undefined)?.code : undefined;
  return [code, causeCode].some((c) => c === GRPC_UNAVAILABLE || c === GRPC_DEADLINE_EXCEEDED);
}

export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof ZodError) return fromZod(error);
  if (error instanceof WorkflowNotFoundError) return notFound('no such subscription');
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type && REFUSAL_TYPES.has(error.cause.type)) return conflict(error.cause.message);
    if (error.cause.type === 'PaymentDeclinedError') {
      return new ProblemError(402, 'payment-declined', error.cause.message, { decline: error.cause.details?.[0] ?? null });
    }
  }
  if (isUnavailable(error)) return new ProblemError(503, 'service-unavailable', 'Temporal is unavailable, retry later');
  if (isDatabaseUnavailable(error)) return new ProblemError(503, 'service-unavailable', 'the database is unavailable, retry later');
  if (isUnstorableText(error)) return invalid([{ field: '(request)', message: 'contains a character that cannot be stored (such as NUL)' }]);
  if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
    return new ProblemError(413, 'payload-too-large', 'request body is too large');
  }
  if ((error as { type?: string } | undefined)?.type === 'entity.parse.failed') {
    return invalid([{ field: '(body)', message: 'body is not valid JSON' }]);
  }
  // Other client errors raised by Express itself (an unsupported charset or encoding, a path
  // parameter that is not valid percent-encoding): their message is meant for the client.
  const http = error as { status?: unknown; expose?: unknown; message?: unknown } | undefined;
  if (typeof http?.status === 'number' && http.status >= 400 && http.status < 500 && (http.expose === true || error instanceof URIError)) {
    const [slug, title] =
      http.status === 415 ? ['unsupported-media-type', 'Unsupported media type'] : http.status === 413 ? ['payload-too-large', 'Request body is too large'] : ['bad-request', 'Request is not valid'];
    return new ProblemError(http.status, slug, String(http.message), { title });
  }
  return new ProblemError(500, 'internal-error', 'an unexpected error occurred');
}

export function errorMiddleware(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    // A streamed answer (an export) that fails half-way cannot become a problem any more: it is
    // cut off, so the client sees it incomplete instead of a file that looks whole.
    if (res.headersSent) {
      onUnexpected(error);
      res.destroy();
      return;
    }
    const problem = toProblem(error);
    if (problem.status >= 500) onUnexpected(error);
    if (problem.status === 503 && !res.get('Retry-After')) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(problem.status).type('application/problem+json').json(problem.toBody(req.originalUrl));
  };
}
