// The API's three throttles, counted in PostgreSQL (the RateLimit table) so every API process
// draws from the same allowance. Each keeps an in-memory twin that takes over while the database
// does not answer: throttling then fails open to per-process limits rather than refusing every
// request (or answering 500) because its counter is unreachable; the outage is logged, and a
// breaker (api/throttle-store.ts) keeps requests from each waiting for the database to time out.
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { breakerStore, type Queryable } from './throttle-store';

export interface ThrottleLimits {
  /** Requests a minute per client address, before authentication. */
  perAddressPerMinute: number;
  /** Requests a minute per API key, after authentication. */
  perKeyPerMinute: number;
  /** Wrong secrets for one key from one address in the window; reaching it, that key gets 429 from there. */
  failedAuthLimit: number;
  failedAuthWindowSeconds: number;
}

export interface Throttles {
  limits: ThrottleLimits;
  address: RateLimiterPostgres;
  key: RateLimiterPostgres;
  failedAuth: RateLimiterPostgres;
}

/** How long a throttle may wait for the database before its in-memory twin answers. */
export const STORE_TIMEOUT_MS = 1_000;

/**
 * The pool the throttles count in: small, and quick to give up so a slow database does not stall
 * requests. Its commits do not wait for the disk (synchronous_commit off): a request's count is
 * written on every request, and a crash that lost the last fraction of a second of counts would
 * only let a few more requests through, which is no reason to make every request wait for a flush.
 */
function throttlePoolConfig(connectionString: string): pg.PoolConfig {
  return {
    connectionString,
    max: 4,
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
    query_timeout: STORE_TIMEOUT_MS,
    options: '-c synchronous_commit=off',
  };
}

/**
 * The throttles' pool. An idle connection the database drops (a restart, an outage, a shutdown
 * before the pool's end) is an 'error' event on the pool, which crashes the process unless heard:
 * `onConnectionLost` hears it, and the pool connects again on the next count.
 */
export function createThrottlePool(connectionString: string, onConnectionLost: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool(throttlePoolConfig(connectionString));
  pool.on('error', onConnectionLost);
  return pool;
}

/** Notes each use of an in-memory twin: the database did not answer a throttle. */
class Insurance extends RateLimiterMemory {
  constructor(
    options: { keyPrefix: string; points: number; duration: number },
    private readonly storeDown: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.storeDown();
    return super.consume(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory['penalty']>): ReturnType<RateLimiterMemory['penalty']> {
    this.storeDown();
    return super.penalty(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): ReturnType<RateLimiterMemory['get']> {
    this.storeDown();
    return super.get(...args);
  }
}

export interface ThrottleOptions {
  /** Called (at most once a minute) when a throttle fell back to memory. */
  onStoreDown?: () => void;
  /** Monotonic milliseconds, for the store's breaker and the once-a-minute notice. */
  now?: () => number;
  /** The PostgreSQL schema holding the RateLimit table; the connection's search path when omitted. */
  schemaName?: string | undefined;
}

type LimiterFactory = (keyPrefix: string, points: number, duration: number) => RateLimiterPostgres;

/** The RateLimit table comes from a migration, so the library is told not to create it. */
function postgresLimiters(pool: Queryable, options: ThrottleOptions): LimiterFactory {
  const now = options.now ?? (() => performance.now());
  const store = breakerStore(pool, now);
  let noticedAt = -Infinity;
  const storeDown = () => {
    if (now() - noticedAt < 60_000) return;
    noticedAt = now();
    options.onStoreDown?.();
  };
  return (keyPrefix, points, duration) =>
    new RateLimiterPostgres({
      storeClient: store,
      storeType: 'pool',
      tableName: 'RateLimit',
      ...(options.schemaName ? { schemaName: options.schemaName } : {}),
      tableCreated: true,
      keyPrefix,
      points,
      duration,
      // Once a caller is over, this process refuses it from memory until the window ends: a flood
      // costs one database write per process per window, not one per request.
      inMemoryBlockOnConsumed: points + 1,
      inMemoryBlockDuration: 0,
      insuranceLimiter: new Insurance({ keyPrefix, points, duration }, storeDown),
    });
}

export function createThrottles(pool: Queryable, limits: ThrottleLimits, options: ThrottleOptions = {}): Throttles {
  const limiter = postgresLimiters(pool, options);
  return {
    limits,
    address: limiter('address', limits.perAddressPerMinute, 60),
    key: limiter('key', limits.perKeyPerMinute, 60),
    failedAuth: limiter('failed-auth', limits.failedAuthLimit, limits.failedAuthWindowSeconds),
  };
}

/**
 * Requests for a portal sign-in link, an hour at a time: each sends an email, so they are limited
 * far below page views, per client address and per email address asked for (known or not).
 */
export interface SignInLimits {
  perAddressPerHour: number;
  perEmailPerHour: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAddressPerHour: 30, perEmailPerHour: 5 };

export interface SignInThrottles {
  limits: SignInLimits;
  address: RateLimiterAbstract;
  email: RateLimiterAbstract;
}

export function createSignInThrottles(pool: Queryable, limits: SignInLimits, options: ThrottleOptions = {}): SignInThrottles {
  const limiter = postgresLimiters(pool, options);
  return { limits, address: limiter('sign-in-address', limits.perAddressPerHour, 3600), email: limiter('sign-in-email', limits.perEmailPerHour, 3600) };
}

/** Counted in this process only: the test harness and the simulator, which run one API in process. */
export function memorySignInThrottles(limits: SignInLimits): SignInThrottles {
  return {
    limits,
    address: new RateLimiterMemory({ keyPrefix: 'sign-in-address', points: limits.perAddressPerHour, duration: 3600 }),
    email: new RateLimiterMemory({ keyPrefix: 'sign-in-email', points: limits.perEmailPerHour, duration: 3600 }),
  };
}
