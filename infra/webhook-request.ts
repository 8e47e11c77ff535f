// One webhook POST, to an address checked before connecting. The connection's lookup answers with
// the addresses resolveTarget already allowed, so there is no second DNS lookup a hostile name
// server could answer differently (DNS rebinding); TLS's server name and the Host header stay the
// URL's. Of the answer only its status, latency and size are kept: never its content.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress, WebhookTargetPolicy } from './webhook-target';
import { RefusedTarget, resolveTarget } from './webhook-target';

/** A receiver that has not answered by then is counted as failed and retried later. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Reading an answer stops here: its size is known to be at least this much, which is enough. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostOutcome {
  ok: boolean;
  /** Nothing was sent: the target is not allowed (see webhook-target.ts). */
  refused: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number | null;
  /** Bytes of the answer's body, up to MAX_RESPONSE_BYTES. */
  responseBytes: number | null;
}

export interface PostOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

const failure = (error: string, refused = false): PostOutcome => ({ ok: false, refused, statusCode: null, error, latencyMs: null, responseBytes: null });

/** Answers every lookup of the connection with the checked addresses (net asks for all, or for one). */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
    if (usable.length === 0) return callback(Object.assign(new Error('no checked address of this family'), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return callback(null, [...usable]);
    return callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/** Posts `body` to `url` under `policy`. Any 2xx is success; redirects are not followed (a 3xx fails). */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: WebhookTargetPolicy,
  { timeoutMs = WEBHOOK_TIMEOUT_MS, maxResponseBytes = MAX_RESPONSE_BYTES }: PostOptions = {},
): Promise<PostOutcome> {
  const target = new URL(url);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveTarget(target, policy);
  } catch (error) {
    if (error instanceof RefusedTarget) return failure(`refused: ${error.message}`, true);
    return failure(error instanceof Error ? error.message : String(error));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const started = performance.now();
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const answered = (res: IncomingMessage, bytes: number) => {
      const statusCode = res.statusCode ?? 0;
      const ok = statusCode >= 200 && statusCode < 300;
      const error = ok ? null : statusCode >= 300 && statusCode < 400 ? `HTTP ${statusCode} (redirects are not followed)` : `HTTP ${statusCode}`;
      settle({ ok, refused: false, statusCode, error, latencyMs: Math.round(performance.now() - started), responseBytes: bytes });
    };
    const req = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false, lookup: pinnedLookup(addresses) },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes = Math.min(bytes + chunk.length, maxResponseBytes);
          if (bytes >= maxResponseBytes) answered(res, bytes);
        });
        res.on('end', () => answered(res, bytes));
        res.on('error', () => answered(res, bytes));
      },
    );
    const timer = setTimeout(() => settle(failure(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('error', (error) => settle(failure(error.message)));
    req.end(body);
  });
}
