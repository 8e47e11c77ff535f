// Per-key rate limit: a token bucket per API key (per client address for customer links), in
// this process's memory. Each bucket holds a minute's allowance, so short bursts pass and a
// steady rate above the limit is refused with 429 and Retry-After.
import type { RequestHandler } from 'express';
import { callerOf } from './auth';
import { requiredAccess } from './auth-policy';
import { ProblemError } from './problem';

export type Take = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** Buckets beyond this many are pruned of the full (idle) ones, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perMinute > 0)) throw new Error('the rate limit must be a positive number of requests per minute');
    this.perMs = perMinute / 60_000;
  }

  private level(id: string, now: number): number {
    const bucket = this.buckets.get(id);
    return bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs) : this.perMinute;
  }

  take(id: string): Take {
    const now = this.now();
    const tokens = this.level(id, now);
    if (tokens < 1) {
      this.buckets.set(id, { tokens, at: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
    }
    this.buckets.set(id, { tokens: tokens - 1, at: now });
    if (this.buckets.size > PRUNE_ABOVE) this.prune(now);
    return { allowed: true, remaining: Math.floor(tokens - 1) };
  }

  private prune(now: number): void {
    for (const id of this.buckets.keys()) if (this.level(id, now) >= this.perMinute) this.buckets.delete(id);
  }
}

/** Mounted after authentication: it needs to know whose bucket a request draws from. */
export function rateLimit(buckets: TokenBuckets): RequestHandler {
  return (req, res, next) => {
    // Probes, metrics and docs are never throttled: monitoring must see an overloaded API.
    if (requiredAccess(req.method, req.path).kind === 'public') return next();
    const caller = callerOf(res);
    const take = buckets.take(caller.kind === 'key' ? `key:${caller.id}` : `ip:${req.ip ?? 'unknown'}`);
    res.set('RateLimit-Limit', String(buckets.perMinute));
    if (!take.allowed) {
      res.set('Retry-After', String(take.retryAfterSeconds));
      res.set('RateLimit-Remaining', '0');
      throw new ProblemError(429, 'too-many-requests', `rate limit of ${buckets.perMinute} requests per minute exceeded; retry in ${take.retryAfterSeconds} s`, {
        title: 'Too many requests',
        retryAfterSeconds: take.retryAfterSeconds,
      });
    }
    res.set('RateLimit-Remaining', String(take.remaining));
    next();
  };
}
