// Throttling, in the order a request meets it (limiters in api/throttles.ts):
//  1. before authentication: a key that has had too many wrong secrets from this address is
//     refused, even with its right secret, then every request counts against the address's
//     allowance; a flood of bad keys is refused here without a key lookup;
//  2. a 401 is logged; a wrong secret for an existing key is counted against that key's budget
//     from that address. A missing or unknown key is not: it cannot succeed, so it is no guess,
//     and counting it per address would let anyone sharing an address (a NAT, a proxy) lock out
//     every good key behind it;
//  3. after authentication, per API key.
// Public reads (probes, metrics, docs) are never throttled: monitoring must see an overloaded API.
import type { ErrorRequestHandler, Response, RequestHandler } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { callerOf, guessedKeyPrefix, presentedKeyPrefix } from './auth';
import { requiredAccess } from './auth-policy';
import { clientAddress } from './client-address';
import { ProblemError } from './problem';
import type { Throttles } from './throttles';

function tooMany(res: Response, msBeforeNext: number, reason: string): ProblemError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  res.set('Retry-After', String(retryAfterSeconds));
  return new ProblemError(429, 'too-many-requests', `${reason}; retry in ${retryAfterSeconds} s`, { title: 'Too many requests', retryAfterSeconds });
}

type Taken = { allowed: boolean; res: RateLimiterRes } | { allowed: true; res: undefined };

/**
 * One request counted. The limiter answers from memory when the database is down; should that
 * fail too, the request passes (fail open) and the error is reported.
 */
async function take(limiter: RateLimiterAbstract, id: string, onError: (error: unknown) => void): Promise<Taken> {
  try {
    return { allowed: true, res: await limiter.consume(id) };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, res: error };
    onError(error);
    return { allowed: true, res: undefined };
  }
}

/** The failed-authentication counter of one key from one address. */
function guessesOf(address: string, prefix: string): string {
  return `${address} ${prefix}`;
}

export function throttleByAddress(throttles: Throttles, onError: (error: unknown) => void): RequestHandler {
  const { limits } = throttles;
  return async (req, res, next) => {
    if (requiredAccess(req.method, req.path).kind === 'public') return next();
    const address = clientAddress(req);
    const prefix = presentedKeyPrefix(req);
    const failures =
      prefix === undefined
        ? null
        : await throttles.failedAuth.get(guessesOf(address, prefix)).catch((error: unknown) => {
            onError(error);
            return null;
          });
    if (failures && failures.consumedPoints >= limits.failedAuthLimit) {
      throw tooMany(res, failures.msBeforeNext, `${limits.failedAuthLimit} wrong secrets for API key ${prefix} from this address`);
    }
    const taken = await take(throttles.address, address, onError);
    if (!taken.allowed) throw tooMany(res, taken.res.msBeforeNext, `over the limit of ${limits.perAddressPerMinute} requests a minute from this address`);
    next();
  };
}

/**
 * Mounted right after authentication, so the only 401s it sees are failed authentications. Each
 * is logged with the address and the key's public prefix; a wrong secret for an existing key is
 * counted when throttling is on.
 */
export function failedAuthentication(throttles: Throttles | undefined, onError: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!(error instanceof ProblemError && error.status === 401)) return next(error);
    const guessed = guessedKeyPrefix(res);
    req.log.warn(
      { event: 'auth.failed', address: req.ip, keyPrefix: presentedKeyPrefix(req) ?? null, wrongSecret: guessed !== undefined, method: req.method, path: req.path },
      'authentication failed',
    );
    if (!throttles || guessed === undefined) return next(error);
    throttles.failedAuth.penalty(guessesOf(clientAddress(req), guessed)).then(
      () => next(error),
      (storeError: unknown) => {
        onError(storeError);
        next(error);
      },
    );
  };
}

export function throttleByKey(throttles: Throttles, onError: (error: unknown) => void): RequestHandler {
  const limit = throttles.limits.perKeyPerMinute;
  return async (_req, res, next) => {
    const caller = callerOf(res);
    // Customer links carry no key: the per-address limit is theirs.
    if (caller.kind !== 'key') return next();
    const taken = await take(throttles.key, caller.id, onError);
    if (!taken.res) return next();
    res.set('RateLimit-Limit', String(limit));
    res.set('RateLimit-Remaining', String(taken.res.remainingPoints));
    if (!taken.allowed) throw tooMany(res, taken.res.msBeforeNext, `over the limit of ${limit} requests a minute for this API key`);
    next();
  };
}
