// Rows the API would otherwise read on every request (API keys, the catalogue), kept in memory and
// emptied by PostgreSQL itself: a trigger on each cached table sends NOTIFY api_cache '<table>' on
// any change, by the API or by hand in psql (migration 20261205071000_api_cache_notify), and every
// API process LISTENs on one connection of its own. While that connection is down nothing is
// cached (every read goes to the database), and what was cached is dropped: a change made meanwhile
// would not have been heard.
import type { RequestHandler } from 'express';
import pg from 'pg';

export const CHANNEL = 'api_cache';
/** How the listening connection shows in pg_stat_activity. */
export const APPLICATION_NAME = 'api-read-cache';
/** Tables whose changes are announced; the trigger's payload is one of these names. */
export type CachedTable = 'ApiKey' | 'Plan' | 'Product' | 'AddOn' | 'Coupon';

/** Entries per table: list pages are keyed by their query, which clients choose. */
const MAX_ENTRIES = 500;
/** How long to wait before listening again after the connection was lost. */
const RECONNECT_MS = 1_000;
/** A connection that stopped answering (a dropped network path sends no FIN) is noticed by this ping. */
const PING_MS = 5_000;

export interface ReadCacheOptions {
  onListening?: () => void;
  onLost?: (error: unknown) => void;
}

export class ReadCache {
  private readonly tables = new Map<string, Map<string, unknown>>();
  /** Moves on every invalidation, so a read that raced a change is not stored. */
  private generation = 0;
  private client: pg.Client | null = null;
  private ping: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private warned = false;
  private readonly waiters = new Set<{ table: string; resolve: () => void }>();

  constructor(
    private readonly connect: () => pg.Client,
    private readonly options: ReadCacheOptions = {},
  ) {}

  /** Listens on a connection of its own to `connectionString`; resolves once listening (or once the first attempt failed). */
  static async listen(connectionString: string, options: ReadCacheOptions = {}): Promise<ReadCache> {
    const cache = new ReadCache(() => new pg.Client({ connectionString, application_name: APPLICATION_NAME, keepAlive: true, query_timeout: PING_MS, connectionTimeoutMillis: PING_MS }), options);
    await cache.start();
    return cache;
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** `load()`'s answer for `key`, from memory when a change to `table` has not been announced since. */
  async read<T>(table: CachedTable, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.client) return load();
    const entries = this.tables.get(table);
    if (entries?.has(key)) return entries.get(key) as T;
    const generation = this.generation;
    const value = await load();
    if (this.client && generation === this.generation) {
      const map = this.tables.get(table) ?? new Map<string, unknown>();
      this.tables.set(table, map);
      if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
      map.set(key, value);
    }
    return value;
  }

  /** Settles once a change to `table` has been announced to this process (tests wait for it). */
  changed(table: CachedTable): Promise<void> {
    return new Promise((resolve) => this.waiters.add({ table, resolve }));
  }

  /** Forgets everything: this process may just have changed a cached table. */
  forgetAll(): void {
    this.invalidate(null);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.ping);
    const client = this.client;
    this.client = null;
    this.invalidate(null);
    await client?.end().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const client = this.connect();
    let gone = false;
    const lost = (error: unknown) => {
      if (gone) return;
      gone = true;
      this.lost(client, error);
    };
    client.on('notification', (message) => this.invalidate(message.payload ?? ''));
    client.on('error', lost);
    client.on('end', () => lost(new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.closed) return void client.end().catch(() => undefined);
    // Whatever changed before LISTEN took effect was not heard: start from nothing.
    this.invalidate(null);
    this.client = client;
    this.warned = false;
    this.ping = setInterval(() => client.query('SELECT 1').catch(lost), PING_MS).unref();
    this.options.onListening?.();
  }

  /** Stops caching at once, and listens again in a moment. */
  private lost(client: pg.Client, error: unknown): void {
    // Ended by close(): nothing was lost.
    if (this.closed) return;
    if (this.client === client) {
      this.client = null;
      clearInterval(this.ping);
    }
    this.invalidate(null);
    void client.end().catch(() => undefined);
    // Once per outage, not once per attempt to listen again.
    if (!this.warned) this.options.onLost?.(error);
    this.warned = true;
    this.retry = setTimeout(() => void this.start(), RECONNECT_MS).unref();
  }

  /** Forgets `table`, or everything when null. */
  private invalidate(table: string | null): void {
    this.generation += 1;
    if (table === null) this.tables.clear();
    else this.tables.delete(table);
    for (const waiter of this.waiters) {
      if (table === waiter.table) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** `load()` through the API's cache when it has one (not in tests and tools that build the app without it). */
export function cachedRead<T>(cache: ReadCache | undefined, table: CachedTable, key: string, load: () => Promise<T>): Promise<T> {
  return cache ? cache.read(table, key, load) : load();
}

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A change this process made is forgotten before its answer leaves: the NOTIFY that tells every
 * process may reach this one a moment after the client sent its next request (a revoked key used
 * again at once). Any change request does it, since a sign-up with a coupon changes a cached row too.
 */
export function forgetOwnChanges(cache: ReadCache | undefined): RequestHandler {
  return (req, res, next) => {
    if (cache && !READ_ONLY.has(req.method)) {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        cache.forgetAll();
        return end(...args);
      }) as typeof res.end;
    }
    next();
  };
}
