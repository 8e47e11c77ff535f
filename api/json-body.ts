// Request bodies are JSON or nothing. Without this, a body in another type (curl -d sends
// form-urlencoded) would be skipped by the JSON parser, and a command whose fields are all optional
// (cancel, pause, resume) would run with its defaults instead of what the client asked for.
import type { RequestHandler } from 'express';
import { ProblemError } from './problem';

function hasContent(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (typeof length === 'string' && Number(length) > 0);
}

export function jsonBodiesOnly(): RequestHandler {
  return (req, _res, next) => {
    if (hasContent(req.headers) && !req.is('application/json')) {
      throw new ProblemError(415, 'unsupported-media-type', 'request bodies must be JSON: send Content-Type: application/json', {
        title: 'Unsupported media type',
      });
    }
    next();
  };
}
